package io.berth.api.container;

import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.util.List;

/**
 * The engine's containers. Containers are found by full id, by a unique id prefix, or by name.
 */
@ProviderType
public interface ContainerService {
    /**
     * Every container, newest first.
     *
     * @param all whether to include containers that are not running
     */
    List<Container> list(boolean all) throws IOException;

    /**
     * Finds one container.
     *
     * @throws io.berth.api.NotFoundException {@code No such container: NAME}
     */
    Container get(String idOrName) throws IOException;
}
