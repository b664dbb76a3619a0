package io.berth.drivers.internal;

import io.berth.api.UnavailableException;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriverTableTest {
    private final Map<DriverType, String> configured = new EnumMap<>(DriverType.class);
    private final DriverTable table = new DriverTable(configured::get);

    private static DriverTable.Entry runtime(String name, long id, int ranking) {
        return new DriverTable.Entry(DriverType.RUNTIME, name, id, ranking, "bundle." + name, "1.0.0", name + "#" + id);
    }

    @Test
    void explicitNameWinsOverDefaultAndRanking() {
        table.add(runtime("native", 1, 10));
        table.add(runtime("runc", 2, 0));
        configured.put(DriverType.RUNTIME, "native");

        assertThat(table.select(DriverType.RUNTIME, "runc", String.class)).isEqualTo("runc#2");
    }

    @Test
    void configuredDefaultWinsOverRankingAndAppliesLive() {
        table.add(runtime("native", 1, 10));
        table.add(runtime("runc", 2, 0));

        assertThat(table.select(DriverType.RUNTIME, null, String.class)).isEqualTo("native#1");
        configured.put(DriverType.RUNTIME, "runc");
        assertThat(table.select(DriverType.RUNTIME, null, String.class)).isEqualTo("runc#2");
        assertThat(table.defaultName(DriverType.RUNTIME)).isEqualTo("runc");
    }

    @Test
    void absentConfiguredDefaultFallsBackToRanking() {
        configured.put(DriverType.RUNTIME, "crun");
        table.add(runtime("native", 1, 0));
        table.add(runtime("runc", 2, 5));

        assertThat(table.defaultName(DriverType.RUNTIME)).isEqualTo("runc");
    }

    @Test
    void higherRankedDriverTakesOverAndFallsBackWhenItLeaves() {
        table.add(runtime("native", 1, 0));
        table.add(runtime("fast", 2, 100));
        assertThat(table.select(DriverType.RUNTIME, null, String.class)).isEqualTo("fast#2");

        table.remove(DriverType.RUNTIME, 2);
        assertThat(table.select(DriverType.RUNTIME, null, String.class)).isEqualTo("native#1");
    }

    @Test
    void equalRankingPrefersTheFirstRegistered() {
        table.add(runtime("b", 7, 0));
        table.add(runtime("a", 9, 0));
        assertThat(table.defaultName(DriverType.RUNTIME)).isEqualTo("b");
    }

    @Test
    void aNameServedTwiceIsServedByTheHigherRankedAndListedOnce() {
        table.add(runtime("native", 1, 0));
        table.add(runtime("native", 2, 5));

        assertThat(table.select(DriverType.RUNTIME, "native", String.class)).isEqualTo("native#2");
        assertThat(table.drivers()).hasSize(1).first().extracting(DriverInfo::ranking).isEqualTo(5);
    }

    @Test
    void unknownNameIsAnErrorNamingWhatIsAvailable() {
        table.add(runtime("runc", 2, 0));
        table.add(runtime("native", 1, 0));

        assertThatThrownBy(() -> table.select(DriverType.RUNTIME, "kata", String.class))
                .isInstanceOf(UnavailableException.class)
                .hasMessage("unknown runtime driver 'kata' (available: native, runc)");
    }

    @Test
    void noDriverAtAllIsAnError() {
        assertThatThrownBy(() -> table.select(DriverType.STORAGE, null, String.class))
                .isInstanceOf(UnavailableException.class)
                .hasMessage("no storage driver is available (none is installed)");
    }

    @Test
    void unavailableDriverIsListedWithItsReasonAndExplainsASelectionFailure() {
        table.add(new DriverTable.Entry(DriverType.STORAGE, "vfs", 3, 0, "io.berth.storage-vfs", "1", "vfs"));
        table.addUnavailable(new DriverTable.Unavailable(DriverType.STORAGE, "overlay", 4, "io.berth.storage-overlay",
                "1", "overlayfs is not supported by the kernel"));

        assertThat(table.drivers()).extracting(DriverInfo::name, DriverInfo::state, DriverInfo::isDefault)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("overlay", DriverState.UNAVAILABLE, false),
                        org.assertj.core.groups.Tuple.tuple("vfs", DriverState.AVAILABLE, true));
        assertThatThrownBy(() -> table.select(DriverType.STORAGE, "overlay", String.class))
                .hasMessage("storage driver 'overlay' is unavailable: overlayfs is not supported by the kernel"
                        + " (available: vfs)");

        table.removeUnavailable(4);
        assertThat(table.drivers()).hasSize(1);
    }

    @Test
    void listingMarksTheDefaultOfEachType() {
        table.add(runtime("native", 1, 0));
        table.add(runtime("runc", 2, 0));
        table.add(new DriverTable.Entry(DriverType.STORAGE, "vfs", 3, 0, "b", "1", "vfs"));
        configured.put(DriverType.RUNTIME, "runc");

        assertThat(table.drivers()).filteredOn(DriverInfo::isDefault).extracting(DriverInfo::name)
                .containsExactly("runc", "vfs");
    }
}
