package io.berth.shell.internal.framework;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns every {@link Commands} component into Gogo commands in scope {@code berth}, and keeps the
 * index of commands that {@code help}, the control socket and docker's two-word forms
 * ({@code berth image ls}) use. A group's commands are registered when the group appears and
 * unregistered when it goes, so commands whose services are missing are not offered.
 */
@Component(service = CommandRegistrar.class)
public class CommandRegistrar {
    /** The Gogo scope of Berth's commands. */
    public static final String SCOPE = "berth";

    /** Descriptions of docker's management commands, shown by {@code help}. */
    private static final Map<String, String> MANAGEMENT = Map.of(
            "container", "Manage containers",
            "image", "Manage images",
            "system", "Manage Berth",
            "driver", "Manage drivers",
            "network", "Manage networks",
            "volume", "Manage volumes",
            "compose", "Docker Compose");

    private final BundleContext context;
    private final Object lock = new Object();
    private final Map<Commands, List<ServiceRegistration<?>>> registrations = new IdentityHashMap<>();
    private final Map<Commands, List<CommandInvoker>> invokersByGroup = new IdentityHashMap<>();
    /** Every name a command answers to, one or two words, to its invoker. */
    private final Map<String, CommandInvoker> byName = new HashMap<>();
    /** Management commands registered in Gogo, by group word. */
    private final Map<String, ServiceRegistration<?>> groupRegistrations = new HashMap<>();
    private ServiceRegistration<?> helpRegistration;
    private boolean active;

    @Activate
    public CommandRegistrar(BundleContext context) {
        this.context = context;
    }

    @Activate
    void activate() {
        synchronized (lock) {
            active = true;
            helpRegistration = register("help", new HelpFunction());
            for (Commands group : new ArrayList<>(invokersByGroup.keySet())) {
                registerGroup(group);
            }
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            active = false;
            for (Commands group : new ArrayList<>(registrations.keySet())) {
                unregisterGroup(group);
            }
            groupRegistrations.values().forEach(CommandRegistrar::unregisterQuietly);
            groupRegistrations.clear();
            unregisterQuietly(helpRegistration);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCommands(Commands group) {
        synchronized (lock) {
            List<CommandInvoker> invokers = new ArrayList<>();
            for (Method method : group.getClass().getMethods()) {
                if (method.isAnnotationPresent(Command.class)) {
                    invokers.add(new CommandInvoker(method, group));
                }
            }
            invokersByGroup.put(group, invokers);
            if (active) {
                registerGroup(group);
            }
        }
    }

    void unbindCommands(Commands group) {
        synchronized (lock) {
            unregisterGroup(group);
            invokersByGroup.remove(group);
        }
    }

    /** Flags of compose's that take a value, which may come before its subcommand. */
    private static final Set<String> COMPOSE_VALUE_FLAGS = Set.of("-f", "--file", "-p", "--project-name",
            "--project-directory", "--env-file", "--profile", "--ansi", "--progress", "--parallel");

    /**
     * The user's words with compose's global flags moved after its subcommand, as docker compose takes
     * them before it ({@code compose -f a.yaml -p x up -d} is {@code compose up -f a.yaml -p x -d});
     * other words as they are.
     */
    public static List<String> composeGlobalFlagsLast(List<String> words) {
        if (words.size() < 3 || !words.get(0).equals("compose") || !words.get(1).startsWith("-")) {
            return words;
        }
        List<String> flags = new ArrayList<>();
        int i = 1;
        while (i < words.size() && words.get(i).startsWith("-")) {
            String w = words.get(i);
            // Long names after the subcommand, where a short one may mean something else (rm -f).
            flags.add(w.equals("-f") ? "--file" : w.equals("-p") ? "--project-name" : w);
            if (COMPOSE_VALUE_FLAGS.contains(w) && i + 1 < words.size()) {
                flags.add(words.get(++i));
            }
            i++;
        }
        if (i >= words.size()) {
            return words;
        }
        List<String> out = new ArrayList<>();
        out.add("compose");
        out.add(words.get(i));
        out.addAll(flags);
        out.addAll(words.subList(i + 1, words.size()));
        return out;
    }

    /** The command a user's words name, consuming one word or two ({@code image ls}). */
    public Optional<Resolved> resolve(List<String> words) {
        synchronized (lock) {
            if (words.isEmpty()) {
                return Optional.empty();
            }
            if (words.size() >= 2 && MANAGEMENT.containsKey(words.get(0))) {
                CommandInvoker sub = byName.get(words.get(0) + " " + words.get(1));
                if (sub != null) {
                    return Optional.of(new Resolved(sub, words.get(0) + " " + words.get(1), 2));
                }
            }
            CommandInvoker invoker = byName.get(words.get(0));
            return invoker == null ? Optional.empty() : Optional.of(new Resolved(invoker, words.get(0), 1));
        }
    }

    /**
     * A command found by its words.
     *
     * @param invoker runs it
     * @param displayName the words that named it
     * @param consumed how many of the user's words they were
     */
    public record Resolved(CommandInvoker invoker, String displayName, int consumed) {
    }

    /** Prints the overview of all commands. */
    public void printOverview(java.io.PrintStream out) {
        Map<String, CommandSpec> commands = new TreeMap<>();
        Map<String, String> management = new TreeMap<>();
        synchronized (lock) {
            for (List<CommandInvoker> invokers : invokersByGroup.values()) {
                for (CommandInvoker invoker : invokers) {
                    if (!invoker.name().contains(" ")) {
                        commands.put(invoker.spec().name(), invoker.spec());
                    }
                }
            }
            for (String group : groupRegistrations.keySet()) {
                management.put(group, MANAGEMENT.get(group));
            }
        }
        HelpFormatter.overview(out, management, commands);
    }

    private void registerGroup(Commands group) {
        List<ServiceRegistration<?>> regs = new ArrayList<>();
        for (CommandInvoker invoker : invokersByGroup.get(group)) {
            List<String> names = new ArrayList<>();
            names.add(invoker.name());
            names.addAll(invoker.aliases());
            for (String name : names) {
                byName.put(name, invoker);
                String[] words = name.split(" ");
                if (words.length == 1) {
                    regs.add(register(name, invoker));
                } else if (!groupRegistrations.containsKey(words[0])) {
                    if (!MANAGEMENT.containsKey(words[0])) {
                        throw new IllegalArgumentException(invoker.method() + ": unknown command group " + words[0]);
                    }
                    groupRegistrations.put(words[0], register(words[0], new GroupFunction(words[0])));
                }
            }
        }
        registrations.put(group, regs);
    }

    private void unregisterGroup(Commands group) {
        List<ServiceRegistration<?>> regs = registrations.remove(group);
        if (regs != null) {
            regs.forEach(CommandRegistrar::unregisterQuietly);
        }
        List<CommandInvoker> invokers = invokersByGroup.getOrDefault(group, List.of());
        byName.values().removeIf(invokers::contains);
        groupRegistrations.entrySet().removeIf(e -> {
            boolean empty = byName.keySet().stream().noneMatch(name -> name.startsWith(e.getKey() + " "));
            if (empty) {
                unregisterQuietly(e.getValue());
            }
            return empty;
        });
    }

    private Map<String, CommandSpec> subcommands(String group) {
        Map<String, CommandSpec> result = new TreeMap<>();
        byName.forEach((name, invoker) -> {
            if (name.startsWith(group + " ")) {
                result.put(name.substring(group.length() + 1), invoker.spec());
            }
        });
        return result;
    }

    private ServiceRegistration<?> register(String name, Function function) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CommandProcessor.COMMAND_SCOPE, SCOPE);
        properties.put(CommandProcessor.COMMAND_FUNCTION, name);
        return context.registerService(Function.class, function, properties);
    }

    private static void unregisterQuietly(ServiceRegistration<?> registration) {
        try {
            if (registration != null) {
                registration.unregister();
            }
        } catch (IllegalStateException e) {
            // Already unregistered, when the framework stops the bundle first.
        }
    }

    /** {@code berth help [COMMAND [SUBCOMMAND]]}. */
    private final class HelpFunction implements Function {
        @Override
        public Object execute(CommandSession session, List<Object> arguments) {
            CommandContext ctx = CommandContext.of(session);
            List<String> words = arguments.stream().map(String::valueOf).toList();
            int status = 0;
            if (words.isEmpty()) {
                printOverview(ctx.out());
            } else {
                Optional<Resolved> resolved = resolve(words);
                if (resolved.isPresent()) {
                    HelpFormatter.command(ctx.out(), resolved.get().invoker().spec(), resolved.get().displayName());
                } else if (MANAGEMENT.containsKey(words.get(0)) && groupRegistrations.containsKey(words.get(0))) {
                    HelpFormatter.management(ctx.out(), words.get(0), MANAGEMENT.get(words.get(0)), subcommands(words.get(0)));
                } else {
                    ctx.err().println("berth: unknown help topic: " + String.join(" ", words));
                    status = 1;
                }
            }
            ctx.setStatus(status);
            ctx.out().flush();
            return null;
        }
    }

    /** A management command such as {@code berth image}: runs {@code berth image SUBCOMMAND ...}. */
    private final class GroupFunction implements Function {
        private final String group;

        GroupFunction(String group) {
            this.group = group;
        }

        @Override
        public Object execute(CommandSession session, List<Object> arguments) {
            CommandContext ctx = CommandContext.of(session);
            List<String> words = arguments.stream().map(String::valueOf).toList();
            List<String> all = new ArrayList<>();
            all.add(group);
            all.addAll(words);
            all = composeGlobalFlagsLast(all);
            Optional<Resolved> resolved = words.isEmpty() ? Optional.empty() : resolve(all);
            int status;
            if (resolved.isPresent() && resolved.get().consumed() == 2) {
                status = resolved.get().invoker().run(ctx, resolved.get().displayName(), all.subList(2, all.size()));
            } else if (words.isEmpty() || words.get(0).equals("--help") || words.get(0).equals("-h")) {
                HelpFormatter.management(ctx.out(), group, MANAGEMENT.get(group), subcommands(group));
                status = 0;
            } else {
                ctx.err().println("berth: '" + group + " " + words.get(0) + "' is not a berth command.");
                ctx.err().println("See 'berth " + group + " --help'");
                status = 1;
            }
            ctx.setStatus(status);
            ctx.out().flush();
            ctx.err().flush();
            return null;
        }
    }
}
