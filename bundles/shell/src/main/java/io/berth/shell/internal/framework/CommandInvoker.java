package io.berth.shell.internal.framework;

import io.berth.api.BerthException;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one Berth command: parses its arguments, calls its method, and turns what happens into
 * docker-style output and an exit status. It is the Gogo {@link Function} registered for the
 * command, so the console and the control socket run commands the same way.
 */
public final class CommandInvoker implements Function {
    /** The exit status of a command interrupted by the user (Ctrl-C), as shells report SIGINT. */
    public static final int INTERRUPTED_STATUS = 130;

    private static final System.Logger LOG = System.getLogger(CommandInvoker.class.getName());

    private final Method method;
    private final Command command;
    private final Object target;
    private volatile CommandSpec spec;

    public CommandInvoker(CommandSpec spec, Object target) {
        this.method = spec.method();
        this.command = method.getAnnotation(Command.class);
        this.spec = spec;
        this.target = target;
    }

    /**
     * The invoker of {@code method}, a method annotated {@link Command}, whose spec is read from
     * its annotations when it is first needed: a daemon registers some 150 commands as it starts,
     * and reading each one's parameters and options then took a tenth of its start before the
     * control socket serves.
     */
    public CommandInvoker(Method method, Object target) {
        this.method = method;
        this.command = method.getAnnotation(Command.class);
        if (command == null) {
            throw new IllegalArgumentException(method + " has no @Command");
        }
        this.target = target;
    }

    /** The command's name, as {@link CommandSpec#name()}. */
    public String name() {
        return command.name();
    }

    /** The command's further names, as {@link CommandSpec#aliases()}. */
    public List<String> aliases() {
        return List.of(command.aliases());
    }

    /** The method the command runs. */
    public Method method() {
        return method;
    }

    public CommandSpec spec() {
        CommandSpec s = spec;
        if (s == null) {
            synchronized (this) {
                s = spec;
                if (s == null) {
                    s = CommandSpec.of(method);
                    spec = s;
                }
            }
        }
        return s;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        CommandContext context = CommandContext.of(session);
        List<String> args = new ArrayList<>(arguments.size());
        for (Object a : arguments) {
            args.add(String.valueOf(a));
        }
        context.setStatus(run(context, name(), args));
        context.out().flush();
        context.err().flush();
        return null;
    }

    /**
     * Runs the command.
     *
     * @param displayName the command as the user typed it ({@code images}, {@code image ls})
     * @return the exit status
     */
    public int run(CommandContext context, String displayName, List<String> args) {
        CommandSpec spec = spec();
        try {
            ArgumentParser.Parsed parsed = ArgumentParser.parse(spec, displayName, args);
            if (parsed.help()) {
                HelpFormatter.command(context.out(), spec, displayName);
                return 0;
            }
            Object[] values = parsed.values();
            if (spec.contextIndex() >= 0) {
                values[spec.contextIndex()] = context;
            }
            Object result = spec.method().invoke(target, values);
            return result instanceof Integer status ? status : 0;
        } catch (InvocationTargetException e) {
            return report(context, displayName, e.getCause());
        } catch (IllegalAccessException e) {
            return report(context, displayName, e);
        } catch (RuntimeException e) {
            return report(context, displayName, e);
        }
    }

    private int report(CommandContext context, String displayName, Throwable failure) {
        if (failure instanceof UsageException usage) {
            context.err().println(usage.getMessage());
            context.err().println("See 'berth " + displayName + " --help'.");
            if (usage.showUsage()) {
                context.err().println();
                context.err().println(HelpFormatter.usageLine(spec, displayName));
                context.err().println();
                context.err().println(spec.description());
            }
            return usage.status();
        }
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return INTERRUPTED_STATUS;
        }
        if (failure instanceof BerthException) {
            context.err().println("Error: " + failure.getMessage());
            return 1;
        }
        if (failure instanceof UncheckedIOException unchecked) {
            failure = unchecked.getCause();
        }
        String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        if (failure instanceof IOException) {
            LOG.log(System.Logger.Level.DEBUG, "berth " + displayName + " failed", failure);
        } else {
            LOG.log(System.Logger.Level.ERROR, "berth " + displayName + " failed", failure);
        }
        context.err().println("Error: " + message);
        return 1;
    }
}
