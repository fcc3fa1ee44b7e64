/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host interfaces the user names (--dut-dev IN,OUT, --offload-dev). The
 * forwarder redirects every IPv4 frame that arrives on IN out of OUT: on
 * an interface in use that cuts its traffic (an SSH session) and leaks it
 * onto the other segment. So an interface is refused, unless --force-dev,
 * when it has an IP address (IPv6 link-local ones excepted), carries a
 * default route, is a port of a bridge or bond, or already has an XDP
 * program. Also --next-hop: the MAC the forwarder sends to instead of
 * broadcast.
 */
#ifndef __IFCHECK_H
#define __IFCHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Check the interface whose name option opt keeps in ifname (a buffer of
 * the option's, rewritten when it is given again) once every option is
 * parsed: what is checked is the last value, the one that will be used,
 * and --force-dev may come later. Exit 2 with the reason when it is in
 * use; an empty name is not checked.
 */
void ifcheck_host_dev(const char *opt, const char *ifname);
/* Is ifname in use? why: what uses it, one line. */
bool ifcheck_in_use(const char *ifname, char *why, size_t why_len);
/*
 * The destination MAC of frames sent out of OUT (port 0) or IN (port 1):
 * --next-hop's, else dflt.
 */
const unsigned char *ifcheck_next_hop(int port, const unsigned char *dflt);

#endif /* __IFCHECK_H */
