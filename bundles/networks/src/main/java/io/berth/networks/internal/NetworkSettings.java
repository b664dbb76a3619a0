package io.berth.networks.internal;

/**
 * The engine's network settings (from PID {@code berth.engine}).
 *
 * @param bridgeName the default bridge network's device
 * @param bridgeSubnet the default bridge network's subnet (its gateway is the first address)
 * @param addressPool where user networks' subnets are taken from
 * @param addressPoolSize the prefix length of each
 */
record NetworkSettings(String bridgeName, String bridgeSubnet, String addressPool, int addressPoolSize) {
    static final NetworkSettings DEFAULT = new NetworkSettings("berth0", "10.66.0.0/16", "10.80.0.0/12", 20);
}
