/* An NSS source for mfa_daemon_bench's bulk users u0, u1, ... (uid 200000 + N),
 * loaded by nss_wrapper (NSS_WRAPPER_MODULE_SO_PATH, prefix "mfabulk"). It
 * answers in constant time, as a site's directory cache (sssd, nscd) does; a
 * million lines in a passwd file would measure a linear scan, not mfad. */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_UID 200000u
#define USERS 10000000u

static enum nss_status fill(unsigned long index, struct passwd* pw, char* buffer, size_t size, int* errnop) {
    int n = snprintf(buffer, size, "u%lu%c%c/nonexistent%c/usr/sbin/nologin", index, '\0', '\0', '\0');
    if (n < 0 || (size_t)n >= size) {
        *errnop = ERANGE;
        return NSS_STATUS_TRYAGAIN;
    }
    size_t name_len = strlen(buffer);
    pw->pw_name = buffer;
    pw->pw_passwd = (char*)"x";
    pw->pw_gecos = buffer + name_len + 1;
    pw->pw_dir = buffer + name_len + 2;
    pw->pw_shell = pw->pw_dir + strlen(pw->pw_dir) + 1;
    pw->pw_uid = FIRST_UID + (uid_t)index;
    pw->pw_gid = 20000;
    return NSS_STATUS_SUCCESS;
}

/* "u" followed by a canonical decimal number below USERS, or -1. */
static long parse(const char* name) {
    if (name[0] != 'u' || name[1] < '0' || name[1] > '9' || (name[1] == '0' && name[2] != '\0')) return -1;
    char* end = NULL;
    errno = 0;
    unsigned long index = strtoul(name + 1, &end, 10);
    if (errno != 0 || *end != '\0' || index >= USERS) return -1;
    return (long)index;
}

enum nss_status _nss_mfabulk_getpwnam_r(const char* name, struct passwd* pw, char* buffer, size_t size, int* errnop) {
    long index = parse(name);
    if (index < 0) return NSS_STATUS_NOTFOUND;
    return fill((unsigned long)index, pw, buffer, size, errnop);
}

enum nss_status _nss_mfabulk_getpwuid_r(uid_t uid, struct passwd* pw, char* buffer, size_t size, int* errnop) {
    if (uid < FIRST_UID || uid - FIRST_UID >= USERS) return NSS_STATUS_NOTFOUND;
    return fill(uid - FIRST_UID, pw, buffer, size, errnop);
}

/* Nothing to enumerate, and no groups: nss_wrapper's files answer those. */
enum nss_status _nss_mfabulk_setpwent(void) { return NSS_STATUS_SUCCESS; }
enum nss_status _nss_mfabulk_endpwent(void) { return NSS_STATUS_SUCCESS; }
enum nss_status _nss_mfabulk_getpwent_r(struct passwd* pw, char* buffer, size_t size, int* errnop) {
    (void)pw, (void)buffer, (void)size, (void)errnop;
    return NSS_STATUS_NOTFOUND;
}
enum nss_status _nss_mfabulk_setgrent(void) { return NSS_STATUS_SUCCESS; }
enum nss_status _nss_mfabulk_endgrent(void) { return NSS_STATUS_SUCCESS; }
enum nss_status _nss_mfabulk_getgrent_r(struct group* gr, char* buffer, size_t size, int* errnop) {
    (void)gr, (void)buffer, (void)size, (void)errnop;
    return NSS_STATUS_NOTFOUND;
}
enum nss_status _nss_mfabulk_getgrnam_r(const char* name, struct group* gr, char* buffer, size_t size, int* errnop) {
    (void)name, (void)gr, (void)buffer, (void)size, (void)errnop;
    return NSS_STATUS_NOTFOUND;
}
enum nss_status _nss_mfabulk_getgrgid_r(gid_t gid, struct group* gr, char* buffer, size_t size, int* errnop) {
    (void)gid, (void)gr, (void)buffer, (void)size, (void)errnop;
    return NSS_STATUS_NOTFOUND;
}
enum nss_status _nss_mfabulk_initgroups_dyn(const char* user, gid_t group, long int* start, long int* size,
                                            gid_t** groups, long int limit, int* errnop) {
    (void)user, (void)group, (void)start, (void)size, (void)groups, (void)limit, (void)errnop;
    return NSS_STATUS_NOTFOUND;
}
