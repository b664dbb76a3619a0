package io.berth.shell.internal.commands;

import io.berth.shell.internal.framework.Option;

import java.util.List;

/** The flags every compose command takes but its files ({@link ProjectOptions}). */
public abstract class ComposeFlags {
    @Option(names = {"-p", "--project-name"}, description = "Project name")
    public String projectName;
    @Option(names = {"--project-directory"}, description = "Specify an alternate working directory (default: the path of the, first specified, Compose file)")
    public String projectDirectory;
    @Option(names = {"--env-file"}, description = "Specify an alternate environment file")
    public List<String> envFile;
    @Option(names = {"--profile"}, description = "Specify a profile to enable")
    public List<String> profile;
    @Option(names = {"--ansi"}, description = "Control when to print ANSI control characters (\"never\"|\"always\"|\"auto\")", absentValue = "auto")
    public String ansi;
    @Option(names = {"--progress"}, description = "Set type of progress output (auto, tty, plain, json, quiet)", absentValue = "auto")
    public String progress;
    @Option(names = {"--compatibility"}, description = "Run compose in backward compatibility mode", absentValue = "false")
    public boolean compatibility;

    /** The {@code -f} files given. */
    abstract List<String> files();
}
