package io.berth.network.cni.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The CNI driver's settings in the engine's configuration (PID {@code berth.engine}). */
@ObjectClassDefinition(name = "Berth CNI networks")
public @interface CniConfiguration {
    @AttributeDefinition(description = "Where the CNI configurations networks name with -o cni.config=NAME are: "
            + "NAME.conflist, NAME.conf or NAME.json, or any of those files whose \"name\" is NAME.")
    String cniConfigDir() default "/etc/berth/cni/net.d";

    @AttributeDefinition(description = "The directories the CNI plugins are looked for in, ':'-separated, in order; "
            + "passed to the plugins as CNI_PATH.")
    String cniPluginDirs() default "/usr/lib/cni:/opt/cni/bin";

    @AttributeDefinition(description = "How long one run of one plugin may take, in seconds, before it is killed "
            + "and the operation fails.")
    int cniPluginTimeout() default 60;
}
