/*
 * berth-net: the network plumbing of Berth's bridge network driver, the part the JVM cannot do:
 * rtnetlink, setns(), and pinning a network namespace with a bind mount. Java decides every name
 * and address; each subcommand makes one thing, all of it or nothing. It exits 0 on success; on
 * failure it takes back what it made, prints one line to stderr naming the object and the cause
 * ("berth-net: create veth bnt1 with peer eth0 in /run/berth/netns/x: File exists"), and exits 1.
 *
 *   netns-add PATH         a new network namespace pinned on PATH (made here, a new file), lo up
 *   netns-del PATH         unmounts and removes PATH; a missing or unmounted PATH is fine
 *   bridge-add NAME [ADDR/PREFIX ...] [--mtu N]
 *                          the bridge (made if missing), its addresses (added if missing), up
 *   bridge-del NAME        a missing bridge is fine
 *   veth-add NETNS HOSTIF BRIDGE IFNAME [--mac MAC] [--addr ADDR/PREFIX]... [--gw IPV4]
 *            [--gw6 IPV6] [--mtu N] [--hairpin]
 *                          a veth pair: HOSTIF here, a port of BRIDGE (in hairpin mode if asked),
 *                          up; its peer IFNAME made straight in NETNS with the MAC and mtu, the
 *                          addresses, up, and the default routes via the gateways
 *   link-del NAME          a link here; a missing one is fine
 *   link-del-in NETNS NAME a link inside NETNS; a missing NETNS or link is fine
 *
 * berth-net is single-threaded, so it may setns() itself into a container's namespace; the
 * netlink socket it opened before stays in the caller's, which is how it takes a pair back.
 *
 * The files: berth-net.c, the subcommands and their arguments; netlink.c, the rtnetlink requests.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/nsfs.h>

#include "netlink.h"

#define MAX_ADDRS 64
#define MAX_NAME 15 /* IFNAMSIZ - 1 */

/* The first failure, printed by main(); what the undoing after it meets is not reported. */
static char error_line[1024];

static int failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int failf(const char *fmt, ...)
{
    if (error_line[0] == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(error_line, sizeof error_line, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ------------------------------------------------------------------ arguments */

static int check_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > MAX_NAME)
        return failf("interface name '%s': not 1 to %d bytes", name, MAX_NAME);
    return 0;
}

static int all_digits(const char *s)
{
    if (*s == 0)
        return 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char) *s))
            return 0;
    }
    return 1;
}

static int parse_mtu(const char *text, unsigned *mtu)
{
    long value = all_digits(text) && strlen(text) <= 5 ? strtol(text, NULL, 10) : 0;
    if (value < 1 || value > 65535)
        return failf("mtu '%s': not a number from 1 to 65535", text);
    *mtu = (unsigned) value;
    return 0;
}

/* ADDR/PREFIX (with_prefix) or a plain ADDR, IPv4 or IPv6, as inet_pton() reads them. */
static int parse_ip(const char *text, struct ipnet *out, int with_prefix)
{
    char buf[64];
    memset(out, 0, sizeof *out);
    if (strlen(text) >= sizeof buf)
        return -1;
    strcpy(buf, text);
    char *slash = strchr(buf, '/');
    if ((slash != NULL) != with_prefix)
        return -1;
    if (slash != NULL)
        *slash = 0;
    if (inet_pton(AF_INET, buf, out->addr) == 1)
        out->family = AF_INET;
    else if (inet_pton(AF_INET6, buf, out->addr) == 1)
        out->family = AF_INET6;
    else
        return -1;
    long max = out->family == AF_INET ? 32 : 128;
    long prefix = max;
    if (slash != NULL) {
        if (!all_digits(slash + 1) || strlen(slash + 1) > 3)
            return -1;
        prefix = strtol(slash + 1, NULL, 10);
    }
    if (prefix > max)
        return -1;
    out->prefix = (unsigned char) prefix;
    return 0;
}

static int parse_cidr(const char *text, struct ipnet *out)
{
    if (parse_ip(text, out, 1) < 0)
        return failf("address '%s': not an IPv4 or IPv6 ADDR/PREFIX", text);
    return 0;
}

static int parse_gateway(const char *text, int family, struct ipnet *out)
{
    if (parse_ip(text, out, 0) < 0 || out->family != family)
        return failf("gateway '%s': not an %s address", text, family == AF_INET ? "IPv4" : "IPv6");
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char) tolower((unsigned char) c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* aa:bb:cc:dd:ee:ff, exactly. */
static int parse_mac(const char *text, unsigned char mac[6])
{
    if (strlen(text) != 17)
        return failf("mac '%s': not six hex bytes separated by colons", text);
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(text[3 * i]), lo = hex_digit(text[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':'))
            return failf("mac '%s': not six hex bytes separated by colons", text);
        mac[i] = (unsigned char) (hi << 4 | lo);
    }
    return 0;
}

/* The value of the option at argv[*i], which moves past it. */
static const char *option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        failf("option %s: a value is missing", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* ------------------------------------------------------------------ namespaces */

#define MISSING (-2)

/* A network namespace file opened: its fd, MISSING if missing_ok and there is none, or -1. */
static int open_netns(const char *path, int missing_ok)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && missing_ok)
        return MISSING;
    if (fd < 0)
        return failf("netns %s: %s", path, strerror(errno));
    /* An ordinary file here would be the leftover of a namespace unmounted, or a mistake. */
    if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
        close(fd);
        return failf("netns %s: not a network namespace", path);
    }
    return fd;
}

static int enter_netns(int fd, const char *path)
{
    if (setns(fd, CLONE_NEWNET) < 0)
        return failf("enter netns %s: %s", path, strerror(errno));
    return 0;
}

/* A netlink socket in the current network namespace (where, for the message: "" or " in PATH"). */
static int open_netlink(const char *where)
{
    int fd = nl_open();
    if (fd < 0)
        return failf("netlink socket%s: %s", where, strerror(errno));
    return fd;
}

static int loopback_up(const char *path)
{
    char where[PATH_MAX + 8];
    snprintf(where, sizeof where, " in %s", path);
    int nl = open_netlink(where);
    if (nl < 0)
        return -1;
    int result = 0;
    int lo = link_get(nl, "lo", NULL, 0);
    if (lo < 0)
        result = failf("lo in %s: %s", path, nl_strerror(lo));
    else if ((lo = link_set_up(nl, lo)) < 0)
        result = failf("set lo up in %s: %s", path, nl_strerror(lo));
    close(nl);
    return result;
}

/*
 * The namespace is berth-net's own (unshare) and outlives it through the bind mount of
 * /proc/self/ns/net on PATH; the file is made exclusively, so an existing one is never taken over.
 */
static int netns_add(int argc, char **argv)
{
    (void) argc;
    const char *path = argv[0];
    int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0)
        return failf("create netns file %s: %s", path, strerror(errno));
    close(fd);
    if (unshare(CLONE_NEWNET) < 0) {
        failf("new network namespace for %s: %s", path, strerror(errno));
        goto remove_file;
    }
    if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0) {
        failf("mount netns on %s: %s", path, strerror(errno));
        goto remove_file;
    }
    if (loopback_up(path) < 0)
        goto unmount;
    return 0;
unmount:
    umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
remove_file:
    unlink(path);
    return -1;
}

/* Unmounts only a namespace (never whatever else is mounted there), then removes the file. */
static int netns_del(int argc, char **argv)
{
    (void) argc;
    const char *path = argv[0];
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : failf("delete netns %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return failf("delete netns %s: not a network namespace file", path);
    struct statfs fs;
    if (statfs(path, &fs) < 0)
        return failf("delete netns %s: %s", path, strerror(errno));
    if (fs.f_type == NSFS_MAGIC && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
        return failf("unmount netns %s: %s", path, strerror(errno));
    if (unlink(path) < 0 && errno != ENOENT)
        return failf("remove netns file %s: %s", path, strerror(errno));
    return 0;
}

/* ------------------------------------------------------------------ bridges and links */

/* The ifindex of the bridge NAME, or -1 (failed) if there is none or NAME is another kind of link. */
static int bridge_index(int nl, const char *name, const char *doing)
{
    char kind[32];
    int index = link_get(nl, name, kind, sizeof kind);
    if (index < 0)
        return failf("%s %s: %s", doing, name, nl_strerror(index));
    if (strcmp(kind, "bridge") != 0)
        return failf("%s %s: not a bridge but a %s link", doing, name, kind[0] ? kind : "plain");
    return index;
}

struct bridge_args {
    const char *name;
    struct ipnet addrs[MAX_ADDRS];
    const char *addr_text[MAX_ADDRS];
    int naddrs;
    unsigned mtu;
};

static int parse_bridge_args(int argc, char **argv, struct bridge_args *a)
{
    memset(a, 0, sizeof *a);
    a->name = argv[0];
    if (check_name(a->name) < 0)
        return -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mtu") == 0) {
            const char *v = option_value(argc, argv, &i);
            if (v == NULL || parse_mtu(v, &a->mtu) < 0)
                return -1;
        } else if (a->naddrs == MAX_ADDRS) {
            return failf("bridge %s: more than %d addresses", a->name, MAX_ADDRS);
        } else {
            if (parse_cidr(argv[i], &a->addrs[a->naddrs]) < 0)
                return -1;
            a->addr_text[a->naddrs++] = argv[i];
        }
    }
    return 0;
}

/*
 * Idempotent: an existing bridge is kept, and an address it has already is no change. On failure,
 * a bridge made here is deleted; on a bridge that existed, the addresses added here are removed
 * (an mtu set stays: it is a setting, not something made).
 */
static int bridge_add(int argc, char **argv)
{
    struct bridge_args a;
    if (parse_bridge_args(argc, argv, &a) < 0)
        return -1;
    int nl = open_netlink("");
    if (nl < 0)
        return -1;
    int created = 0, added[MAX_ADDRS], nadded = 0;
    int err = link_create_bridge(nl, a.name);
    if (err == 0)
        created = 1;
    else if (err != -EEXIST) {
        close(nl);
        return failf("create bridge %s: %s", a.name, nl_strerror(err));
    }
    int index = bridge_index(nl, a.name, "create bridge");
    if (index < 0) {
        if (created)
            link_delete_name(nl, a.name);
        close(nl);
        return -1;
    }
    if (a.mtu > 0 && (err = link_set_mtu(nl, index, a.mtu)) < 0) {
        failf("set mtu %u on bridge %s: %s", a.mtu, a.name, nl_strerror(err));
        goto undo;
    }
    for (int i = 0; i < a.naddrs; i++) {
        err = addr_add(nl, index, &a.addrs[i]);
        if (err == -EEXIST)
            continue;
        if (err < 0) {
            failf("add address %s to bridge %s: %s", a.addr_text[i], a.name, nl_strerror(err));
            goto undo;
        }
        added[nadded++] = i;
    }
    if ((err = link_set_up(nl, index)) < 0) {
        failf("set bridge %s up: %s", a.name, nl_strerror(err));
        goto undo;
    }
    close(nl);
    return 0;
undo:
    if (created)
        link_delete(nl, index);
    else
        for (int i = 0; i < nadded; i++)
            addr_delete(nl, index, &a.addrs[added[i]]);
    close(nl);
    return -1;
}

static int bridge_del(int argc, char **argv)
{
    (void) argc;
    const char *name = argv[0];
    if (check_name(name) < 0)
        return -1;
    int nl = open_netlink("");
    if (nl < 0)
        return -1;
    char kind[32];
    int result = 0;
    int index = link_get(nl, name, kind, sizeof kind);
    if (index == -ENODEV)
        result = 0;
    else if (index < 0)
        result = failf("delete bridge %s: %s", name, nl_strerror(index));
    else if (strcmp(kind, "bridge") != 0)
        result = failf("delete bridge %s: not a bridge but a %s link", name, kind[0] ? kind : "plain");
    else if ((index = link_delete(nl, index)) < 0 && index != -ENODEV)
        result = failf("delete bridge %s: %s", name, nl_strerror(index));
    close(nl);
    return result;
}

/* Deletes NAME in the current namespace (where: "" or " in PATH"); a missing link is fine. */
static int delete_link_here(const char *name, const char *where)
{
    int nl = open_netlink(where);
    if (nl < 0)
        return -1;
    int err = link_delete_name(nl, name);
    close(nl);
    if (err < 0 && err != -ENODEV)
        return failf("delete link %s%s: %s", name, where, nl_strerror(err));
    return 0;
}

static int link_del(int argc, char **argv)
{
    (void) argc;
    if (check_name(argv[0]) < 0)
        return -1;
    return delete_link_here(argv[0], "");
}

static int link_del_in(int argc, char **argv)
{
    (void) argc;
    const char *path = argv[0];
    if (check_name(argv[1]) < 0)
        return -1;
    int ns = open_netns(path, 1);
    if (ns == MISSING)
        return 0;
    if (ns < 0)
        return -1;
    int result = enter_netns(ns, path);
    close(ns);
    if (result < 0)
        return -1;
    char where[PATH_MAX + 8];
    snprintf(where, sizeof where, " in %s", path);
    return delete_link_here(argv[1], where);
}

/* ------------------------------------------------------------------ veth pairs */

struct veth_args {
    const char *netns, *host, *bridge, *ifname;
    unsigned char mac[6];
    int has_mac;
    struct ipnet addrs[MAX_ADDRS];
    const char *addr_text[MAX_ADDRS];
    int naddrs;
    struct ipnet gw, gw6;
    const char *gw_text, *gw6_text; /* NULL: no default route of that family */
    unsigned mtu;
    int hairpin;
};

static int parse_veth_option(int argc, char **argv, int *i, struct veth_args *a)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--hairpin") == 0) {
        a->hairpin = 1;
        return 0;
    }
    if (strcmp(opt, "--mac") && strcmp(opt, "--addr") && strcmp(opt, "--gw") && strcmp(opt, "--gw6")
            && strcmp(opt, "--mtu"))
        return failf("veth-add: unknown option '%s'", opt);
    const char *v = option_value(argc, argv, i);
    if (v == NULL)
        return -1;
    if (strcmp(opt, "--mac") == 0) {
        a->has_mac = 1;
        return parse_mac(v, a->mac);
    }
    if (strcmp(opt, "--mtu") == 0)
        return parse_mtu(v, &a->mtu);
    if (strcmp(opt, "--gw") == 0) {
        a->gw_text = v;
        return parse_gateway(v, AF_INET, &a->gw);
    }
    if (strcmp(opt, "--gw6") == 0) {
        a->gw6_text = v;
        return parse_gateway(v, AF_INET6, &a->gw6);
    }
    if (a->naddrs == MAX_ADDRS)
        return failf("veth %s: more than %d addresses", a->host, MAX_ADDRS);
    a->addr_text[a->naddrs] = v;
    return parse_cidr(v, &a->addrs[a->naddrs++]);
}

static int parse_veth_args(int argc, char **argv, struct veth_args *a)
{
    memset(a, 0, sizeof *a);
    a->netns = argv[0];
    a->host = argv[1];
    a->bridge = argv[2];
    a->ifname = argv[3];
    if (check_name(a->host) < 0 || check_name(a->bridge) < 0 || check_name(a->ifname) < 0)
        return -1;
    for (int i = 4; i < argc; i++) {
        if (parse_veth_option(argc, argv, &i, a) < 0)
            return -1;
    }
    return 0;
}

/*
 * The pair, its peer made in the namespace at ns: the host end's ifindex, or -1 with nothing made.
 * The kernel answers EEXIST for either name taken, so the host's is looked at first, to say which.
 */
static int create_pair(int nl, int ns, const struct veth_args *a)
{
    if (link_get(nl, a->host, NULL, 0) > 0)
        return failf("create veth %s: %s", a->host, strerror(EEXIST));
    int err = link_create_veth(nl, a->host, a->ifname, ns, a->mtu, a->has_mac ? a->mac : NULL);
    if (err < 0)
        return failf("create veth %s with peer %s in %s: %s", a->host, a->ifname, a->netns, nl_strerror(err));
    int index = link_get(nl, a->host, NULL, 0);
    if (index < 0) {
        failf("veth %s: %s", a->host, nl_strerror(index));
        link_delete_name(nl, a->host);
        return -1;
    }
    return index;
}

/* The host end: a port of the bridge (hairpin if asked: a container may reach itself through a published port), up. */
static int attach_host_end(int nl, int index, int bridge, const struct veth_args *a)
{
    int err = link_set_master(nl, index, bridge);
    if (err < 0)
        return failf("attach %s to bridge %s: %s", a->host, a->bridge, nl_strerror(err));
    if (a->hairpin && (err = link_set_hairpin(nl, index)) < 0)
        return failf("set hairpin mode on %s: %s", a->host, nl_strerror(err));
    if ((err = link_set_up(nl, index)) < 0)
        return failf("set %s up: %s", a->host, nl_strerror(err));
    return 0;
}

static int configure_peer_in(int nl, const struct veth_args *a)
{
    int index = link_get(nl, a->ifname, NULL, 0);
    if (index < 0)
        return failf("%s in %s: %s", a->ifname, a->netns, nl_strerror(index));
    int err;
    for (int i = 0; i < a->naddrs; i++) {
        if ((err = addr_add(nl, index, &a->addrs[i])) < 0)
            return failf("add address %s to %s in %s: %s", a->addr_text[i], a->ifname, a->netns, nl_strerror(err));
    }
    if ((err = link_set_up(nl, index)) < 0)
        return failf("set %s up in %s: %s", a->ifname, a->netns, nl_strerror(err));
    if (a->gw_text != NULL && (err = route_add_default(nl, index, &a->gw)) < 0)
        return failf("add default route via %s in %s: %s", a->gw_text, a->netns, nl_strerror(err));
    if (a->gw6_text != NULL && (err = route_add_default(nl, index, &a->gw6)) < 0)
        return failf("add default route via %s in %s: %s", a->gw6_text, a->netns, nl_strerror(err));
    return 0;
}

/* Inside the namespace: the peer's addresses, up, the default routes. */
static int configure_peer(int ns, const struct veth_args *a)
{
    if (enter_netns(ns, a->netns) < 0)
        return -1;
    char where[PATH_MAX + 8];
    snprintf(where, sizeof where, " in %s", a->netns);
    int nl = open_netlink(where);
    if (nl < 0)
        return -1;
    int result = configure_peer_in(nl, a);
    close(nl);
    return result;
}

/* Any failure once the pair exists deletes its host end, and the kernel deletes the peer with it. */
static int veth_add(int argc, char **argv)
{
    struct veth_args a;
    if (parse_veth_args(argc, argv, &a) < 0)
        return -1;
    int ns = open_netns(a.netns, 0);
    if (ns < 0)
        return -1;
    int nl = open_netlink("");
    if (nl < 0) {
        close(ns);
        return -1;
    }
    int result = -1;
    int bridge = bridge_index(nl, a.bridge, "bridge");
    int index = bridge < 0 ? -1 : create_pair(nl, ns, &a);
    if (index > 0) {
        if (attach_host_end(nl, index, bridge, &a) == 0 && configure_peer(ns, &a) == 0)
            result = 0;
        else
            link_delete(nl, index); /* nl is still in the caller's namespace */
    }
    close(nl);
    close(ns);
    return result;
}

/* ------------------------------------------------------------------ main */

struct command {
    const char *name;
    int min_args, max_args; /* max -1: any */
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
    { "netns-add", 1, 1, netns_add, "netns-add PATH" },
    { "netns-del", 1, 1, netns_del, "netns-del PATH" },
    { "bridge-add", 1, -1, bridge_add, "bridge-add NAME [ADDR/PREFIX ...] [--mtu N]" },
    { "bridge-del", 1, 1, bridge_del, "bridge-del NAME" },
    { "veth-add", 4, -1, veth_add,
      "veth-add NETNS HOSTIF BRIDGE IFNAME [--mac MAC] [--addr ADDR/PREFIX]... [--gw IPV4] [--gw6 IPV6] "
      "[--mtu N] [--hairpin]" },
    { "link-del", 1, 1, link_del, "link-del NAME" },
    { "link-del-in", 2, 2, link_del_in, "link-del-in NETNS NAME" },
};

static int run(int argc, char **argv)
{
    if (argc < 2)
        return failf("usage: berth-net netns-add|netns-del|bridge-add|bridge-del|veth-add|link-del|link-del-in ...");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const struct command *c = &commands[i];
        if (strcmp(argv[1], c->name) != 0)
            continue;
        int n = argc - 2;
        if (n < c->min_args || (c->max_args >= 0 && n > c->max_args))
            return failf("usage: berth-net %s", c->usage);
        return c->run(n, argv + 2);
    }
    return failf("unknown subcommand '%s'", argv[1]);
}

int main(int argc, char **argv)
{
    if (run(argc, argv) == 0)
        return 0;
    fprintf(stderr, "berth-net: %s\n", error_line[0] ? error_line : "failed");
    return 1;
}
