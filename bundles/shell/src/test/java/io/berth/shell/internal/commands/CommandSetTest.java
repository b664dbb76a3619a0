package io.berth.shell.internal.commands;

import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandSpec;
import io.berth.shell.internal.framework.OptionSpec;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command of the shell is well formed: one name each, no option named twice (-p, --net, …). */
class CommandSetTest {
    private static final List<Class<?>> GROUPS = List.of(ContainerCommands.class, ContainerFileCommands.class, ImageCommands.class,
            NetworkCommands.class, SystemCommands.class, RegistryCommands.class, ConsoleCommands.class, VolumeCommands.class,
            ComposeCommands.class, ComposeViewCommands.class, ComposeRunCommands.class);

    @Test
    void commandsAndOptionsAreUnique() {
        Set<String> commandNames = new HashSet<>();
        for (Class<?> group : GROUPS) {
            for (Method m : group.getMethods()) {
                if (!m.isAnnotationPresent(Command.class)) {
                    continue;
                }
                CommandSpec spec = CommandSpec.of(m);
                assertThat(commandNames.add(spec.name())).as("command %s", spec.name()).isTrue();
                spec.aliases().forEach(a -> assertThat(commandNames.add(a)).as("alias %s", a).isTrue());
                Set<String> optionNames = new HashSet<>();
                for (OptionSpec o : spec.options()) {
                    for (String n : o.names()) {
                        assertThat(optionNames.add(n)).as("%s: option %s", spec.name(), n).isTrue();
                    }
                }
            }
        }
        assertThat(commandNames).contains("network create", "network ls", "network list", "network inspect",
                "network rm", "network remove", "network connect", "network disconnect", "network prune", "port",
                "container port", "volume create", "volume ls", "volume list", "volume inspect", "volume rm",
                "volume remove", "volume prune", "compose up", "compose down", "compose ps", "compose logs", "compose start",
                "compose stop", "compose restart", "compose rm", "compose kill", "compose pause", "compose unpause",
                "compose scale", "compose exec", "compose run", "compose create", "compose pull", "compose push",
                "compose top", "compose port", "compose images", "compose events", "compose ls", "compose config");
    }

    @Test
    void composeGlobalFlagsMayComeBeforeTheSubcommand() {
        assertThat(io.berth.shell.internal.framework.CommandRegistrar.composeGlobalFlagsLast(
                List.of("compose", "-f", "a.yaml", "-p", "x", "--compatibility", "up", "-d", "web")))
                .containsExactly("compose", "up", "--file", "a.yaml", "--project-name", "x", "--compatibility", "-d", "web");
        assertThat(io.berth.shell.internal.framework.CommandRegistrar.composeGlobalFlagsLast(List.of("compose", "up", "-d")))
                .containsExactly("compose", "up", "-d");
        assertThat(io.berth.shell.internal.framework.CommandRegistrar.composeGlobalFlagsLast(List.of("run", "-p", "80", "up")))
                .containsExactly("run", "-p", "80", "up");
    }

    @Test
    void runEntrypointsAreSplitAsAShellSplitsThem() {
        assertThat(ComposeRunCommands.words("sh -c 'echo a  b' \"x\\\"y\" z\\ w")).containsExactly("sh", "-c", "echo a  b", "x\"y", "z w");
        assertThat(ComposeRunCommands.words("  ")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ComposeRunCommands.words("sh -c 'x"))
                .hasMessage("invalid command line string: unterminated quote in sh -c 'x");
    }

    @Test
    void dockersSecondSpellingsAreAccepted() throws Exception {
        CommandSpec run = CommandSpec.of(ContainerCommands.class.getMethod("run", io.berth.shell.internal.framework.CommandContext.class,
                CreateOptions.class, boolean.class, String.class, List.class));
        assertThat(run.option("net", true)).isSameAs(run.option("network", true));
        assertThat(run.option("net-alias", true)).isSameAs(run.option("network-alias", true));
        assertThat(run.option("dns-opt", true)).isSameAs(run.option("dns-option", true));
        assertThat(run.option("p", false)).isSameAs(run.option("publish", true));
        assertThat(run.option("P", false)).isSameAs(run.option("publish-all", true));
    }
}
