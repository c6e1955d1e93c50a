#ifndef WRIFTSYNC_CLIBGIT2_SHIM_H
#define WRIFTSYNC_CLIBGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/stream.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

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

static inline int wriftsync_git_set_pack_max_objects(size_t objects) {
    return git_libgit2_opts(GIT_OPT_SET_PACK_MAX_OBJECTS, objects);
}

static inline int wriftsync_git_set_user_agent(const char *agent) {
    return git_libgit2_opts(GIT_OPT_SET_USER_AGENT, agent);
}

/* An object database that reads through another one, checking each object's size from its header before
   reading it: libgit2's history walk and tree lookups read every object whole before looking at its type or
   size, and a 600 MB commit message packs into 600 KB. Commits and tags over `commit_limit` bytes and any
   other object over `other_limit` are refused; the first refusal is kept for the caller to report. Read-only:
   it has no write, writestream or writepack. */
typedef struct {
    git_odb_backend parent;
    git_odb *inner;
    size_t commit_limit;
    size_t other_limit;
    int refused;
    git_oid refused_id;
    git_object_t refused_type;
    size_t refused_size;
} wriftsync_bounded_odb;

static inline int wriftsync_bounded_odb_check(wriftsync_bounded_odb *odb, const git_oid *id) {
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    int error = git_odb_read_header(&size, &type, odb->inner, id);
    if (error < 0)
        return error;
    size_t limit = (type == GIT_OBJECT_COMMIT || type == GIT_OBJECT_TAG) ? odb->commit_limit : odb->other_limit;
    if (size <= limit)
        return 0;
    if (!odb->refused) {
        odb->refused = 1;
        git_oid_cpy(&odb->refused_id, id);
        odb->refused_type = type;
        odb->refused_size = size;
    }
    git_error_set_str(GIT_ERROR_ODB, "object over WriftSync's size limit, not read");
    return GIT_EUSER;
}

static inline int wriftsync_bounded_odb_read(void **data, size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *id) {
    wriftsync_bounded_odb *odb = (wriftsync_bounded_odb *)backend;
    int error = wriftsync_bounded_odb_check(odb, id);
    if (error < 0)
        return error;
    git_odb_object *object = NULL;
    if ((error = git_odb_read(&object, odb->inner, id)) < 0)
        return error;
    size_t size = git_odb_object_size(object);
    void *copy = git_odb_backend_data_alloc(backend, size);
    if (copy == NULL) {
        git_odb_object_free(object);
        git_error_set_oom();
        return -1;
    }
    memcpy(copy, git_odb_object_data(object), size);
    *data = copy;
    *len = size;
    *type = git_odb_object_type(object);
    git_odb_object_free(object);
    return 0;
}

static inline int wriftsync_bounded_odb_read_prefix(git_oid *full, void **data, size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *prefix, size_t length) {
    wriftsync_bounded_odb *odb = (wriftsync_bounded_odb *)backend;
    git_oid found;
    int error = git_odb_exists_prefix(&found, odb->inner, prefix, length);
    if (error < 0)
        return error;
    if ((error = wriftsync_bounded_odb_read(data, len, type, backend, &found)) < 0)
        return error;
    git_oid_cpy(full, &found);
    return 0;
}

static inline int wriftsync_bounded_odb_read_header(size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *id) {
    return git_odb_read_header(len, type, ((wriftsync_bounded_odb *)backend)->inner, id);
}

static inline int wriftsync_bounded_odb_exists(git_odb_backend *backend, const git_oid *id) {
    return git_odb_exists(((wriftsync_bounded_odb *)backend)->inner, id);
}

static inline int wriftsync_bounded_odb_exists_prefix(git_oid *full, git_odb_backend *backend, const git_oid *prefix, size_t length) {
    return git_odb_exists_prefix(full, ((wriftsync_bounded_odb *)backend)->inner, prefix, length);
}

static inline int wriftsync_bounded_odb_refresh(git_odb_backend *backend) {
    return git_odb_refresh(((wriftsync_bounded_odb *)backend)->inner);
}

static inline int wriftsync_bounded_odb_foreach(git_odb_backend *backend, git_odb_foreach_cb callback, void *payload) {
    return git_odb_foreach(((wriftsync_bounded_odb *)backend)->inner, callback, payload);
}

static inline void wriftsync_bounded_odb_free(git_odb_backend *backend) {
    wriftsync_bounded_odb *odb = (wriftsync_bounded_odb *)backend;
    if (odb->inner != NULL)
        git_odb_free(odb->inner);
    free(odb);
}

/* A repository of `inner`'s objects alone (no refs, no config) whose reads are bounded as above. On success the
   repository owns the caller's reference on `inner` (from git_repository_odb) and `*backend` stays valid for as
   long as `*out` is open; on failure the caller keeps that reference. */
static inline int wriftsync_bounded_repository(git_repository **out, wriftsync_bounded_odb **backend, git_odb *inner, size_t commit_limit, size_t other_limit) {
    wriftsync_bounded_odb *odb = calloc(1, sizeof(wriftsync_bounded_odb));
    if (odb == NULL) {
        git_error_set_oom();
        return -1;
    }
    int error = git_odb_init_backend(&odb->parent, GIT_ODB_BACKEND_VERSION);
    git_odb *outer = NULL;
    if (error < 0 || (error = git_odb_new(&outer)) < 0) {
        free(odb);
        return error;
    }
    odb->inner = inner;
    odb->commit_limit = commit_limit;
    odb->other_limit = other_limit;
    odb->parent.read = wriftsync_bounded_odb_read;
    odb->parent.read_prefix = wriftsync_bounded_odb_read_prefix;
    odb->parent.read_header = wriftsync_bounded_odb_read_header;
    odb->parent.exists = wriftsync_bounded_odb_exists;
    odb->parent.exists_prefix = wriftsync_bounded_odb_exists_prefix;
    odb->parent.refresh = wriftsync_bounded_odb_refresh;
    odb->parent.foreach = wriftsync_bounded_odb_foreach;
    odb->parent.free = wriftsync_bounded_odb_free;
    if ((error = git_odb_add_backend(outer, &odb->parent, 1)) < 0) {
        free(odb);
        git_odb_free(outer);
        return error;
    }
    git_repository *repository = NULL;
    error = git_repository_wrap_odb(&repository, outer);
    if (error < 0)
        odb->inner = NULL; /* freeing `outer` below frees the backend; the caller keeps its reference */
    git_odb_free(outer);
    if (error < 0)
        return error;
    *out = repository;
    *backend = odb;
    return 0;
}

#endif
