package io.berth.networks.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The network settings of the engine's configuration (PID {@code berth.engine}). */
@ObjectClassDefinition(name = "Berth networks", description = "The default bridge network and where user networks' "
        + "subnets come from.")
public @interface NetworkConfiguration {
    @AttributeDefinition(description = "The default bridge network's device.")
    String bridgeName() default "berth0";

    @AttributeDefinition(description = "The default bridge network's subnet (its gateway is the first address); read "
            + "when the network is first made.")
    String bridgeSubnet() default "10.66.0.0/16";

    @AttributeDefinition(description = "Where user networks' subnets are taken from when none is given.")
    String addressPool() default "10.80.0.0/12";

    @AttributeDefinition(description = "The prefix length of each subnet taken from the pool.")
    int addressPoolSize() default 20;
}
