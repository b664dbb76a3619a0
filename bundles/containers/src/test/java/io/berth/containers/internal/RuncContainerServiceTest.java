package io.berth.containers.internal;

/** The container lifecycle tests with runc making the containers. */
class RuncContainerServiceTest extends LocalContainerServiceTest {
    @Override
    String runtime() {
        return "runc";
    }
}
