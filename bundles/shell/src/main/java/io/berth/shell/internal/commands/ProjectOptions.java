package io.berth.shell.internal.commands;

import io.berth.shell.internal.framework.Option;
import io.berth.shell.internal.framework.Options;

import java.util.List;

/**
 * docker compose's global flags, which every compose command takes (before or after its name:
 * {@code berth compose -f a.yaml up} and {@code berth compose up -f a.yaml} alike).
 */
@Options
public class ProjectOptions extends ComposeFlags {
    @Option(names = {"-f", "--file"}, description = "Compose configuration files")
    public List<String> file;

    @Override
    List<String> files() {
        return file;
    }

    /**
     * The flags of a command whose own {@code -f} is another flag ({@code rm -f} is {@code --force}):
     * the files are {@code --file} alone there, as in docker compose, where {@code -f} goes before the
     * subcommand.
     */
    @Options
    public static class LongFile extends ComposeFlags {
        @Option(names = {"--file"}, description = "Compose configuration files")
        public List<String> file;

        @Override
        List<String> files() {
            return file;
        }
    }
}
