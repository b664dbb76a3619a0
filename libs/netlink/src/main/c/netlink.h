/*
 * rtnetlink, by hand: the few requests berth-net makes, each sent alone and acknowledged by the
 * kernel. Every function taking a socket returns 0 (or an ifindex, where it says so) on success
 * and a negative errno on failure; nl_strerror() words such a failure, with the kernel's own
 * explanation when it gave one.
 *
 * A netlink socket belongs to the network namespace it was opened in, whatever setns() the
 * process does afterwards: berth-net opens one socket per namespace it works in.
 */
#ifndef BERTH_NETLINK_H
#define BERTH_NETLINK_H

#include <stddef.h>

/* An IPv4 or IPv6 address with its prefix length: "10.89.0.2/24", or a gateway (the full length). */
struct ipnet {
    int family;              /* AF_INET or AF_INET6 */
    unsigned char addr[16];  /* network byte order; 4 bytes for IPv4 */
    unsigned char prefix;
};

/* A NETLINK_ROUTE socket in the caller's current network namespace, or -1 with errno. */
int nl_open(void);

/* The text of a negative errno from the functions below, with the kernel's message if any. */
const char *nl_strerror(int err);

/* The link's ifindex (> 0), -ENODEV if there is none; its kind ("bridge", "veth", "" for none) in kind. */
int link_get(int fd, const char *name, char *kind, size_t kind_size);

/* A new bridge; -EEXIST if a link of that name exists. */
int link_create_bridge(int fd, const char *name);

/*
 * A new veth pair: NAME here, PEER created straight in the network namespace open at netns_fd,
 * with the given mtu (0: the default) and mac (NULL: a random one). Nothing is made on failure.
 */
int link_create_veth(int fd, const char *name, const char *peer, int netns_fd, unsigned mtu,
                     const unsigned char *peer_mac);

int link_set_up(int fd, int ifindex);
int link_set_mtu(int fd, int ifindex, unsigned mtu);
int link_set_master(int fd, int ifindex, int master);

/* Hairpin mode on the bridge port: frames may go back out the port they came in by. */
int link_set_hairpin(int fd, int ifindex);

/* Deletes a link (with a veth, its peer too); -ENODEV if there is none. */
int link_delete(int fd, int ifindex);
int link_delete_name(int fd, const char *name);

/* Adds an address (IPv6 ones without duplicate address detection, so usable at once); -EEXIST if present. */
int addr_add(int fd, int ifindex, const struct ipnet *a);
int addr_delete(int fd, int ifindex, const struct ipnet *a);

/* The default route of the address's family via gateway gw, out of ifindex, in the main table. */
int route_add_default(int fd, int ifindex, const struct ipnet *gw);

#endif
