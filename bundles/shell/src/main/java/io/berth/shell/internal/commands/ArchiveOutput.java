package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.shell.internal.framework.CommandContext;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where {@code save} and {@code export} write their tar: standard output, never a terminal, or a
 * file ({@code -o}) that appears whole or not at all.
 */
final class ArchiveOutput {
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private ArchiveOutput() {
    }

    static void write(CommandContext ctx, String output, Writer writer) throws IOException {
        if (output.isEmpty()) {
            if (ctx.terminal().isOutputTerminal()) {
                throw new InvalidArgumentException("cowardly refusing to save to a terminal. Use the -o flag or redirect");
            }
            writer.writeTo(ctx.out());
            ctx.out().flush();
            return;
        }
        Path target = ctx.resolve(output);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".berth-tmp");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            writer.writeTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
