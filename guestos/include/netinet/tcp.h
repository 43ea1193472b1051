/* netinet/tcp.h - TCP's socket option and its connection states (net_tcp_state). */
#ifndef GUESTOS_NETINET_TCP_H
#define GUESTOS_NETINET_TCP_H

#define TCP_NODELAY 1     /* int, level IPPROTO_TCP: accepted; guestos never delays (no Nagle) */
#define TCP_MAXSEG 2      /* int, read only: the connection's MSS */

/* The states of RFC 9293 section 3.3.2, as net_tcp_state and net_tcp_count name them. */
#define TCPS_CLOSED 0
#define TCPS_LISTEN 1
#define TCPS_SYN_SENT 2
#define TCPS_SYN_RCVD 3
#define TCPS_ESTABLISHED 4
#define TCPS_CLOSE_WAIT 5
#define TCPS_FIN_WAIT_1 6
#define TCPS_CLOSING 7
#define TCPS_LAST_ACK 8
#define TCPS_FIN_WAIT_2 9
#define TCPS_TIME_WAIT 10

#endif
