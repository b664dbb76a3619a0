package io.berth.shell.internal.commands;

import io.berth.api.container.LogOptions;
import io.berth.shell.internal.framework.Option;
import io.berth.shell.internal.framework.Options;

import java.time.Instant;

/** The flags {@code logs} and {@code compose logs} share, and the {@link LogOptions} they ask for. */
@Options
public class LogFlags {
    @Option(names = {"-f", "--follow"}, description = "Follow log output", absentValue = "false")
    public boolean follow;
    @Option(names = {"-n", "--tail"}, description = "Number of lines to show from the end of the logs", absentValue = "all")
    public String tail;
    @Option(names = {"--since"}, description = "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)")
    public String since;
    @Option(names = {"--until"}, description = "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)")
    public String until;
    @Option(names = {"-t", "--timestamps"}, description = "Show timestamps", absentValue = "false")
    public boolean timestamps;

    /** What the flags ask the log service for. */
    LogOptions options() {
        int lines;
        if (tail.equals("all") || tail.isEmpty()) {
            lines = -1;
        } else {
            try {
                lines = Integer.parseInt(tail.strip());
            } catch (NumberFormatException e) {
                lines = -1; // as docker's daemon: a tail it cannot read shows everything
            }
        }
        Instant now = Instant.now();
        return new LogOptions(follow, lines, since.isEmpty() ? null : TimeFlags.parse(since, now, "since"),
                until.isEmpty() ? null : TimeFlags.parse(until, now, "until"));
    }
}
