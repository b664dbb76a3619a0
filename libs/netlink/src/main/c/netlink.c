/*
 * rtnetlink, by hand (see netlink.h): a message builder, one request-and-acknowledgement
 * exchange, and the requests berth-net makes, as `ip` would make them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "netlink.h"

#define MSG_BYTES 4096

/* A request being built: a header, the family's fixed header, then attributes. */
struct nl_msg {
    union {
        struct nlmsghdr h;
        char bytes[MSG_BYTES];
    };
};

/* What the kernel said about the last refused request (extended ack), "" if nothing. */
static char kernel_message[256];

/* ------------------------------------------------------------------ messages */

static void msg_start(struct nl_msg *m, uint16_t type, uint16_t flags, const void *header, size_t len)
{
    memset(m, 0, NLMSG_LENGTH(len));
    m->h.nlmsg_len = NLMSG_LENGTH(len);
    m->h.nlmsg_type = type;
    m->h.nlmsg_flags = flags;
    memcpy(NLMSG_DATA(&m->h), header, len);
}

/* Makes room for len bytes at the (aligned) end of the message, zeroed; the request is a few hundred bytes. */
static char *msg_grow(struct nl_msg *m, size_t len)
{
    size_t at = NLMSG_ALIGN(m->h.nlmsg_len);
    if (at + NLMSG_ALIGN(len) > MSG_BYTES)
        abort(); /* a bug, not an input: no argument makes a request this long */
    memset(m->bytes + at, 0, NLMSG_ALIGN(len));
    m->h.nlmsg_len = (uint32_t) (at + NLMSG_ALIGN(len));
    return m->bytes + at;
}

/* Appends raw bytes, as the ifinfomsg that starts a veth's peer. */
static void msg_append(struct nl_msg *m, const void *data, size_t len)
{
    memcpy(msg_grow(m, len), data, len);
}

static struct rtattr *attr_put(struct nl_msg *m, unsigned short type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *) msg_grow(m, RTA_LENGTH(len));
    a->rta_type = type;
    a->rta_len = (unsigned short) RTA_LENGTH(len);
    if (len > 0)
        memcpy(RTA_DATA(a), data, len);
    return a;
}

static void attr_u32(struct nl_msg *m, unsigned short type, uint32_t value)
{
    attr_put(m, type, &value, sizeof value);
}

static void attr_str(struct nl_msg *m, unsigned short type, const char *s)
{
    attr_put(m, type, s, strlen(s) + 1);
}

/* Opens a nested attribute, closed by nest_end() once its content is appended. */
static struct rtattr *nest_start(struct nl_msg *m, unsigned short type)
{
    return attr_put(m, type, NULL, 0);
}

static void nest_end(struct nl_msg *m, struct rtattr *nest)
{
    nest->rta_len = (unsigned short) (m->bytes + m->h.nlmsg_len - (char *) nest);
}

/* ------------------------------------------------------------------ the exchange */

int nl_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -1;
    /* The kernel's explanation of a refusal, and acknowledgements without the request echoed. */
    int one = 1;
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    return fd;
}

const char *nl_strerror(int err)
{
    static char text[512];
    if (kernel_message[0] == 0)
        return strerror(-err);
    snprintf(text, sizeof text, "%s (%s)", strerror(-err), kernel_message);
    return text;
}

/* Keeps the kernel's message (NLMSGERR_ATTR_MSG) from an acknowledgement, if it has one. */
static void read_extended_ack(const struct nlmsghdr *h, const struct nlmsgerr *e)
{
    if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
        return;
    size_t skip = sizeof *e;
    if (!(h->nlmsg_flags & NLM_F_CAPPED))
        skip += e->msg.nlmsg_len - NLMSG_HDRLEN;
    long len = (long) h->nlmsg_len - (long) NLMSG_LENGTH(NLMSG_ALIGN(skip));
    const struct nlattr *a = (const struct nlattr *) ((const char *) e + NLMSG_ALIGN(skip));
    while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
        if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
            snprintf(kernel_message, sizeof kernel_message, "%.*s", (int) (a->nla_len - NLA_HDRLEN),
                     (const char *) a + NLA_HDRLEN);
            /* The message may end with a new line or a NUL: neither belongs in one line of error. */
            kernel_message[strcspn(kernel_message, "\n")] = 0;
            return;
        }
        len -= NLA_ALIGN(a->nla_len);
        a = (const struct nlattr *) ((const char *) a + NLA_ALIGN(a->nla_len));
    }
}

/*
 * Sends a request with NLM_F_ACK and reads until its acknowledgement: 0, or the negative errno
 * the kernel answered. A reply that comes before the acknowledgement (to a get) goes to on_reply.
 */
static int talk(int fd, struct nl_msg *m, void (*on_reply)(const struct nlmsghdr *, void *), void *arg)
{
    static uint32_t seq;
    m->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    m->h.nlmsg_seq = ++seq;
    kernel_message[0] = 0;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    if (sendto(fd, m, m->h.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
        return -errno;
    union {
        struct nlmsghdr h;
        char bytes[32768];
    } buf;
    for (;;) {
        ssize_t n = recv(fd, &buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        for (struct nlmsghdr *h = &buf.h; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != m->h.nlmsg_seq)
                continue;
            if (h->nlmsg_type != NLMSG_ERROR) {
                if (on_reply != NULL)
                    on_reply(h, arg);
                continue;
            }
            const struct nlmsgerr *e = NLMSG_DATA(h);
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof *e))
                return -EBADMSG;
            if (e->error < 0)
                read_extended_ack(h, e);
            return e->error;
        }
    }
}

/* ------------------------------------------------------------------ links */

static void link_msg(struct nl_msg *m, uint16_t type, uint16_t flags, int ifindex)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
    msg_start(m, type, flags, &ifi, sizeof ifi);
}

struct link_reply {
    int ifindex;
    char *kind;
    size_t kind_size;
};

/* Reads the ifindex and IFLA_LINKINFO/IFLA_INFO_KIND of an RTM_NEWLINK answer. */
static void on_link(const struct nlmsghdr *h, void *arg)
{
    struct link_reply *r = arg;
    if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
        return;
    const struct ifinfomsg *ifi = NLMSG_DATA(h);
    r->ifindex = ifi->ifi_index;
    int len = (int) IFLA_PAYLOAD(h);
    for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type != IFLA_LINKINFO)
            continue;
        int info_len = (int) RTA_PAYLOAD(a);
        for (const struct rtattr *i = RTA_DATA(a); RTA_OK(i, info_len); i = RTA_NEXT(i, info_len)) {
            if (i->rta_type == IFLA_INFO_KIND)
                snprintf(r->kind, r->kind_size, "%.*s", (int) RTA_PAYLOAD(i), (const char *) RTA_DATA(i));
        }
    }
}

int link_get(int fd, const char *name, char *kind, size_t kind_size)
{
    struct nl_msg m;
    link_msg(&m, RTM_GETLINK, 0, 0);
    attr_str(&m, IFLA_IFNAME, name);
    char ignored[1];
    struct link_reply r = { 0, kind != NULL ? kind : ignored, kind != NULL ? kind_size : sizeof ignored };
    r.kind[0] = 0;
    int err = talk(fd, &m, on_link, &r);
    if (err < 0)
        return err;
    return r.ifindex > 0 ? r.ifindex : -ENODEV;
}

int link_create_bridge(int fd, const char *name)
{
    struct nl_msg m;
    link_msg(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
    attr_str(&m, IFLA_IFNAME, name);
    struct rtattr *info = nest_start(&m, IFLA_LINKINFO);
    attr_str(&m, IFLA_INFO_KIND, "bridge");
    nest_end(&m, info);
    return talk(fd, &m, NULL, NULL);
}

/*
 * The peer's description is a link request of its own nested in VETH_INFO_PEER: an ifinfomsg and
 * its attributes, among them IFLA_NET_NS_FD, so the kernel registers it in that namespace under
 * its final name (no move, no rename, and no moment where it exists on the host).
 */
int link_create_veth(int fd, const char *name, const char *peer, int netns_fd, unsigned mtu,
                     const unsigned char *peer_mac)
{
    struct nl_msg m;
    link_msg(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
    attr_str(&m, IFLA_IFNAME, name);
    if (mtu > 0)
        attr_u32(&m, IFLA_MTU, mtu);
    struct rtattr *info = nest_start(&m, IFLA_LINKINFO);
    attr_str(&m, IFLA_INFO_KIND, "veth");
    struct rtattr *data = nest_start(&m, IFLA_INFO_DATA);
    struct rtattr *peer_info = nest_start(&m, VETH_INFO_PEER);
    struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
    msg_append(&m, &peer_ifi, sizeof peer_ifi);
    attr_str(&m, IFLA_IFNAME, peer);
    attr_u32(&m, IFLA_NET_NS_FD, (uint32_t) netns_fd);
    if (mtu > 0)
        attr_u32(&m, IFLA_MTU, mtu);
    if (peer_mac != NULL)
        attr_put(&m, IFLA_ADDRESS, peer_mac, 6);
    nest_end(&m, peer_info);
    nest_end(&m, data);
    nest_end(&m, info);
    return talk(fd, &m, NULL, NULL);
}

int link_set_up(int fd, int ifindex)
{
    struct nl_msg m;
    link_msg(&m, RTM_NEWLINK, 0, ifindex);
    struct ifinfomsg *ifi = NLMSG_DATA(&m.h);
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    return talk(fd, &m, NULL, NULL);
}

int link_set_mtu(int fd, int ifindex, unsigned mtu)
{
    struct nl_msg m;
    link_msg(&m, RTM_NEWLINK, 0, ifindex);
    attr_u32(&m, IFLA_MTU, mtu);
    return talk(fd, &m, NULL, NULL);
}

int link_set_master(int fd, int ifindex, int master)
{
    struct nl_msg m;
    link_msg(&m, RTM_NEWLINK, 0, ifindex);
    attr_u32(&m, IFLA_MASTER, (uint32_t) master);
    return talk(fd, &m, NULL, NULL);
}

/*
 * As `bridge link set dev NAME hairpin on`: an AF_BRIDGE RTM_SETLINK whose IFLA_PROTINFO is nested
 * (flagged so: unflagged, the bridge reads it as the old one-byte port state).
 */
int link_set_hairpin(int fd, int ifindex)
{
    struct nl_msg m;
    struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
    msg_start(&m, RTM_SETLINK, 0, &ifi, sizeof ifi);
    struct rtattr *protinfo = nest_start(&m, IFLA_PROTINFO | NLA_F_NESTED);
    uint8_t on = 1;
    attr_put(&m, IFLA_BRPORT_MODE, &on, sizeof on);
    nest_end(&m, protinfo);
    return talk(fd, &m, NULL, NULL);
}

int link_delete(int fd, int ifindex)
{
    struct nl_msg m;
    link_msg(&m, RTM_DELLINK, 0, ifindex);
    return talk(fd, &m, NULL, NULL);
}

int link_delete_name(int fd, const char *name)
{
    struct nl_msg m;
    link_msg(&m, RTM_DELLINK, 0, 0);
    attr_str(&m, IFLA_IFNAME, name);
    return talk(fd, &m, NULL, NULL);
}

/* ------------------------------------------------------------------ addresses and routes */

static size_t addr_len(int family)
{
    return family == AF_INET ? 4 : 16;
}

static int addr_change(int fd, uint16_t type, uint16_t flags, int ifindex, const struct ipnet *a)
{
    struct nl_msg m;
    struct ifaddrmsg ifa = {
        .ifa_family = (unsigned char) a->family,
        .ifa_prefixlen = a->prefix,
        .ifa_flags = a->family == AF_INET6 && type == RTM_NEWADDR ? IFA_F_NODAD : 0,
        .ifa_scope = RT_SCOPE_UNIVERSE,
        .ifa_index = (uint32_t) ifindex,
    };
    msg_start(&m, type, flags, &ifa, sizeof ifa);
    /* IFA_LOCAL is the address itself; IFA_ADDRESS its peer, the same on a broadcast link. */
    if (a->family == AF_INET)
        attr_put(&m, IFA_LOCAL, a->addr, 4);
    attr_put(&m, IFA_ADDRESS, a->addr, addr_len(a->family));
    /* The subnet's broadcast address, as docker (and `ip addr add … brd +`) give an IPv4 address. */
    if (a->family == AF_INET && type == RTM_NEWADDR && a->prefix < 31) {
        uint32_t host_bits = a->prefix == 0 ? 0xffffffffu : (1u << (32 - a->prefix)) - 1;
        uint32_t addr;
        memcpy(&addr, a->addr, 4);
        uint32_t brd = htonl(ntohl(addr) | host_bits);
        attr_put(&m, IFA_BROADCAST, &brd, 4);
    }
    return talk(fd, &m, NULL, NULL);
}

int addr_add(int fd, int ifindex, const struct ipnet *a)
{
    return addr_change(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, a);
}

int addr_delete(int fd, int ifindex, const struct ipnet *a)
{
    return addr_change(fd, RTM_DELADDR, 0, ifindex, a);
}

int route_add_default(int fd, int ifindex, const struct ipnet *gw)
{
    struct nl_msg m;
    struct rtmsg rt = {
        .rtm_family = (unsigned char) gw->family,
        .rtm_dst_len = 0,
        .rtm_table = RT_TABLE_MAIN,
        .rtm_protocol = RTPROT_BOOT,
        .rtm_scope = RT_SCOPE_UNIVERSE,
        .rtm_type = RTN_UNICAST,
    };
    msg_start(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
    attr_put(&m, RTA_GATEWAY, gw->addr, addr_len(gw->family));
    attr_u32(&m, RTA_OIF, (uint32_t) ifindex);
    return talk(fd, &m, NULL, NULL);
}
