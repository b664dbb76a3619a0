package io.berth.containers.internal;

/** The container lifecycle tests with crun making the containers (on this hybrid host, too). */
class CrunContainerServiceTest extends LocalContainerServiceTest {
    @Override
    String runtime() {
        return "crun";
    }
}
