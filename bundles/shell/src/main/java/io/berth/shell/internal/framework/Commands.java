package io.berth.shell.internal.framework;

/**
 * A group of Berth commands, by noun ({@code ImageCommands}, {@code ContainerCommands}). Each is
 * a DS component registered under this interface with static references to the services its
 * commands need, so its commands appear and disappear with those services; the
 * {@link CommandRegistrar} turns its {@link Command} methods into Gogo commands.
 */
public interface Commands {
}
