package io.berth.containers.internal;

import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Docker's {@code ps} filters as the daemon applies them, on containers made up here. */
class ContainerFiltersTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Newest first: web (running), db (exited 0), job (exited 3), fresh (created), old (running). */
    private final List<Container> all = List.of(
            container("web", "a1", 5, ContainerStatus.RUNNING, 0, "img-web", Map.of("tier", "front")),
            container("db", "b2", 4, ContainerStatus.EXITED, 0, "img-db", Map.of("tier", "back", "backup", "")),
            container("job", "c3", 3, ContainerStatus.EXITED, 3, "img-child", Map.of()),
            container("fresh", "d4", 2, ContainerStatus.CREATED, 0, "img-web", Map.of()),
            container("old", "e5", 1, ContainerStatus.RUNNING, 0, "img-db", Map.of()));

    private static Container container(String name, String idPrefix, int minute, ContainerStatus status, int exit,
                                       String imageId, Map<String, String> labels) {
        return Container.builder().id(idPrefix + "0".repeat(62)).name(name).image(name).imageId(imageId)
                .created(T0.plusSeconds(60L * minute)).labels(labels)
                .state(ContainerState.builder().status(status).exitCode(exit).build()).build();
    }

    private final ContainerFilters.Lookups lookups = new ContainerFilters.Lookups() {
        @Override
        public Container container(String idOrName) {
            return all.stream().filter(c -> c.name().equals(idOrName) || c.id().startsWith(idOrName)).findFirst()
                    .orElseThrow(() -> new NotFoundException("No such container: " + idOrName));
        }

        @Override
        public Set<String> imageAndDescendants(String nameOrId) {
            // img-parent has one child, img-child; img-web has none; anything else does not exist.
            return switch (nameOrId) {
                case "img-parent" -> Set.of("img-parent", "img-child");
                case "img-web" -> Set.of("img-web");
                default -> Set.of();
            };
        }
    };

    private List<String> names(ContainerListOptions options) {
        return ContainerFilters.of(options, lookups).apply(all).stream().map(Container::name).toList();
    }

    private List<String> names(boolean all, String... filters) {
        return names(ContainerListOptions.builder().all(all).filters(Filters.parse(List.of(filters))).build());
    }

    @Test
    void runningOnlyUnlessAllALimitOrAStatusOrExitFilterAsksForMore() {
        assertThat(names(false)).containsExactly("web", "old");
        assertThat(names(true)).containsExactly("web", "db", "job", "fresh", "old");
        assertThat(names(ContainerListOptions.builder().limit(2).build())).containsExactly("web", "db");
        assertThat(names(false, "status=exited")).containsExactly("db", "job");
        assertThat(names(false, "exited=3")).containsExactly("job");
    }

    @Test
    void statusExitedIdNameAndLabelMatchAsDockersDaemonMatches() {
        assertThat(names(true, "status=created", "status=running")).containsExactly("web", "fresh", "old");
        assertThat(names(true, "exited=0")).containsExactly("db");
        // Regular expressions searched in the id and in the name (with or without docker's slash).
        assertThat(names(true, "id=^b2")).containsExactly("db");
        assertThat(names(true, "name=o")).containsExactly("job", "old");
        assertThat(names(true, "name=^/web$")).containsExactly("web");
        // One that does not compile matches nothing, as in docker's daemon.
        assertThat(names(true, "name=[")).isEmpty();
        assertThat(names(true, "label=tier")).containsExactly("web", "db");
        assertThat(names(true, "label=tier=back", "label=backup")).containsExactly("db");
        // Several keys: every key must match.
        assertThat(names(true, "status=exited", "name=j")).containsExactly("job");
    }

    @Test
    void ancestorTakesTheImagesBuiltOnIt() {
        assertThat(names(true, "ancestor=img-parent")).containsExactly("job");
        assertThat(names(true, "ancestor=img-web", "ancestor=img-parent")).containsExactly("web", "job", "fresh");
        assertThat(names(true, "ancestor=no-such-image")).isEmpty();
    }

    @Test
    void beforeAndSinceAreByTheOrderContainersWereMade() {
        assertThat(names(true, "before=job")).containsExactly("fresh", "old");
        assertThat(names(true, "since=job")).containsExactly("web", "db");
        assertThat(names(true, "since=old", "before=db")).containsExactly("job", "fresh");
        assertThatThrownBy(() -> names(true, "before=nope")).isInstanceOf(NotFoundException.class)
                .hasMessage("No such container: nope");
    }

    @Test
    void healthIsNoneWhileNoHealthCheckRuns() {
        assertThat(names(true, "health=none")).hasSize(5);
        assertThat(names(true, "health=healthy")).isEmpty();
    }

    @Test
    void badKeysAndValuesAreRefusedInDockersWords() {
        assertThatThrownBy(() -> names(true, "colour=red")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("invalid filter 'colour'");
        assertThatThrownBy(() -> names(true, "status=sleeping")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("Invalid filter 'status=sleeping'");
        assertThatThrownBy(() -> names(true, "health=fine")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("Unrecognised filter value for health: fine");
        assertThatThrownBy(() -> names(true, "exited=x")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("strconv.Atoi: parsing \"x\": invalid syntax");
        assertThatThrownBy(() -> Filters.parse(List.of("status"))).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("bad format of filter (expected name=value)");
    }

    @Test
    void theAncestorWalkFollowsChildrenOfChildren() {
        Map<String, List<String>> children = Map.of("a", List.of("b", "c"), "b", List.of("d"), "d", List.of("a"));
        assertThat(ContainerFilters.descendants("a", id -> children.getOrDefault(id, List.of())))
                .containsExactlyInAnyOrder("a", "b", "c", "d");
    }
}
