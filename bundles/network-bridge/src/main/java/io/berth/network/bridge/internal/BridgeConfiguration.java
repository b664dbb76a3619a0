package io.berth.network.bridge.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The bridge driver's settings in the engine's configuration (PID {@code berth.engine}). */
@ObjectClassDefinition(name = "Berth bridge networks")
public @interface BridgeConfiguration {
    @AttributeDefinition(description = "The prefix of Berth's iptables chains (BERTH-FORWARD, BERTH-DNAT, …); two "
            + "engines on one host need different ones.")
    String chainPrefix() default "BERTH";
}
