package io.berth.shell.internal.output;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.InvalidArgumentException;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The {@code --format} option every listing command has: empty or {@code table} for the default
 * table, {@code json} for one JSON object per line, anything else a Go template, with
 * {@code table ...} templates getting a header row.
 */
public final class Formats {
    private Formats() {
    }

    /** Whether {@code format} asks for the command's own table. */
    public static boolean isDefaultTable(String format) {
        return format == null || format.isBlank() || format.strip().equals("table");
    }

    /**
     * Prints rows (each a JSON object whose keys are docker's field names) in a non-default format.
     *
     * @param headers column titles by field name, for {@code table} templates
     */
    public static void printRows(PrintStream out, String format, List<? extends Map<String, ?>> rows,
                                 Map<String, String> headers) {
        if (format.strip().equals("json")) {
            for (Map<String, ?> row : rows) {
                out.println(Json.line(Template.withoutMethods(Json.tree(row))));
            }
            return;
        }
        Template template = parse(format);
        if (template.isTable()) {
            Table table = new Table();
            table.row(template.header(headers).split("\t", -1));
            for (Map<String, ?> row : rows) {
                table.row(template.execute(Json.tree(row)).split("\t", -1));
            }
            table.print(out);
            return;
        }
        for (Map<String, ?> row : rows) {
            out.println(template.execute(Json.tree(row)));
        }
    }

    /** Prints one object ({@code version}, {@code info}, {@code inspect}) in a non-default format. */
    public static void printObject(PrintStream out, String format, Object value) {
        if (format.strip().equals("json")) {
            out.println(Json.line(value));
            return;
        }
        JsonNode tree = Json.tree(value);
        out.println(parse(format).execute(tree));
    }

    /**
     * Prints an object {@code inspect} found in a non-default format, as docker's client: a
     * template that fails on the object's type runs again on its JSON as maps
     * ({@link Template#executeInspect}).
     */
    public static void printInspected(PrintStream out, String format, Object value) {
        if (format.strip().equals("json")) {
            out.println(Json.line(value));
            return;
        }
        out.println(parse(format).executeInspect(Json.tree(value)));
    }

    /**
     * Parses a template.
     *
     * @throws InvalidArgumentException if it is malformed
     */
    public static Template parse(String format) {
        try {
            return Template.parse(format);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(e.getMessage());
        }
    }
}
