#ifndef WRIFTSYNC_CLIBGIT2_SHIM_H
#define WRIFTSYNC_CLIBGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/stream.h>

/* libgit2 1.5's own socket stream (`git_socket_stream`, streams/socket.h): its SSH transport reads the socket
   out of whatever stream it is given at this layout, so a stream registered in its place must keep it. */
typedef struct {
    git_stream parent;
    char *host;
    char *port;
    int s;
} wriftsync_socket_stream;

/* git_libgit2_opts is variadic, which Swift cannot call: one fixed-arity wrapper per option we use. */

static inline int wriftsync_git_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)NULL);
}

static inline int wriftsync_git_set_user_agent(const char *agent) {
    return git_libgit2_opts(GIT_OPT_SET_USER_AGENT, agent);
}

#endif
