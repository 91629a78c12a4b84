/* An HTTP/1.1 request and its answer over an open connection, and a proxy's CONNECT tunnel. */
#ifndef CHC_EXCHANGE_H
#define CHC_EXCHANGE_H

#include "chc.h"
#include "internal.h"

/* Sends request (head and body) and reads the answer into response. *received: whether any byte of the
 * answer came (a kept-alive connection the server had closed gets none); *keep: the connection can carry
 * another request. 0, or -1 with the failure in io. */
int chc_exchange(chc_conn *conn, chc_io *io, const char *request, size_t len, chc_response *response,
                 int *received, int *keep);

/* CONNECT authority (host:port) through the proxy at the other end of conn; credentials is
 * base64(user:password) or NULL. 0 once the tunnel is open. */
int chc_tunnel(chc_conn *conn, chc_io *io, const char *authority, const char *user_agent, const char *credentials);

#endif
