package io.berth.shell.internal.framework;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes help screens in the layout of docker's CLI. */
public final class HelpFormatter {
    private HelpFormatter() {
    }

    /** The usage line: {@code Usage:  berth images [OPTIONS] [REPOSITORY[:TAG]]}. */
    public static String usageLine(CommandSpec spec, String displayName) {
        return "Usage:  berth " + displayName + (spec.usage().isEmpty() ? "" : " " + spec.usage());
    }

    /** The whole help of one command. */
    public static void command(PrintStream out, CommandSpec spec, String displayName) {
        out.println();
        out.println(usageLine(spec, displayName));
        out.println();
        out.println(spec.description());
        if (!spec.aliases().isEmpty()) {
            List<String> names = new ArrayList<>();
            for (String alias : spec.aliases()) {
                names.add("berth " + alias);
            }
            names.add("berth " + spec.name());
            names.remove("berth " + displayName);
            names.add(0, "berth " + displayName);
            out.println();
            out.println("Aliases:");
            out.println("  " + String.join(", ", names));
        }
        if (!spec.options().isEmpty()) {
            out.println();
            out.println("Options:");
            List<String[]> rows = new ArrayList<>();
            for (OptionSpec o : spec.options()) {
                String s = o.shortName();
                String l = o.longName();
                String left = (s != null ? "-" + s + (l != null ? ", " : "") : "    ")
                        + (l != null ? "--" + l : "") + (o.type().isEmpty() ? "" : " " + o.type());
                String right = o.description();
                if (o.kind() != OptionSpec.Kind.FLAG && !o.absentValue().isEmpty() && o.absentValue().indexOf(0) < 0) {
                    right += " (default " + (o.kind() == OptionSpec.Kind.VALUE && o.javaType() == String.class
                            ? "\"" + o.absentValue() + "\"" : o.absentValue()) + ")";
                }
                rows.add(new String[]{left, right});
            }
            printColumns(out, rows);
        }
        out.println();
    }

    /**
     * The overview of all commands.
     *
     * @param management two-word command groups ({@code image}) and their descriptions
     * @param commands the commands by name
     */
    public static void overview(PrintStream out, Map<String, String> management, Map<String, CommandSpec> commands) {
        out.println();
        out.println("Usage:  berth [OPTIONS] COMMAND");
        out.println();
        out.println("A container engine in Java, running in Apache Felix");
        if (!management.isEmpty()) {
            out.println();
            out.println("Management Commands:");
            List<String[]> rows = new ArrayList<>();
            management.forEach((name, description) -> rows.add(new String[]{name, description}));
            printColumns(out, rows);
        }
        out.println();
        out.println("Commands:");
        List<String[]> rows = new ArrayList<>();
        commands.forEach((name, spec) -> rows.add(new String[]{name, spec.description()}));
        printColumns(out, rows);
        out.println();
        out.println("Global Options (bin/berth):");
        printColumns(out, List.of(new String[][]{
                {"-H, --host string", "Daemon socket to connect to (default unix:///run/berth/berth.sock, or $BERTH_HOST)"},
                {"-v, --version", "Print version information and quit"}}));
        out.println();
        out.println("Run 'berth COMMAND --help' for more information on a command.");
    }

    /** The subcommands of a management command ({@code berth image}). */
    public static void management(PrintStream out, String group, String description, Map<String, CommandSpec> subcommands) {
        out.println();
        out.println("Usage:  berth " + group + " COMMAND");
        out.println();
        out.println(description);
        out.println();
        out.println("Commands:");
        List<String[]> rows = new ArrayList<>();
        subcommands.forEach((name, spec) -> rows.add(new String[]{name, spec.description()}));
        printColumns(out, rows);
        out.println();
        out.println("Run 'berth " + group + " COMMAND --help' for more information on a command.");
    }

    private static void printColumns(PrintStream out, List<String[]> rows) {
        int width = 0;
        for (String[] row : rows) {
            width = Math.max(width, row[0].length());
        }
        for (String[] row : rows) {
            out.println("  " + row[0] + " ".repeat(width - row[0].length() + 3) + row[1]);
        }
    }
}
