/*
 * lcn import-list through the local API (api.h): a public screening list,
 * passed as the descriptors the caller opened, copied and parsed on the
 * thread pool and written into the screening index in steps, beside
 * replication.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "api_int.h"
#include "config.h"
#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "screen_import.h"
#include "store.h"

/*
 * lcn import-list beside replication. The file is parsed on the libuv
 * thread pool (list_parse touches neither LMDB nor loop state); the
 * parties are then written a step per loop iteration from an idle
 * handle, each step one short transaction (store_import_step), so
 * replication and other requests go on between steps. Queries see the
 * previous import of the list until the last write step switches to the
 * new one (screen_import.h). One import at a time; the client gets its
 * answer at the end, and progress lines between steps if it asked.
 *
 * lcnd never opens a path a caller names: it would read, with its own
 * privileges, what the caller may not. The caller opens the list and
 * passes the descriptors (SCM_RIGHTS); they are read from offset 0 with
 * pread, which also fails on a descriptor opened without read access
 * (O_PATH), and copied into a directory only lcnd can enter, under the
 * names the list readers expect (OFAC's alt.csv and add.csv are found
 * beside sdn.csv by name).
 */

/* Bytes of one list file: the largest public lists are tens of MB. */
#define IMPORT_FILE_MAX		(1024ull * 1024 * 1024)
/* A file name as sent: letters, digits, '.', '_', '-'; no leading dot. */
#define IMPORT_NAME_MAX		64

struct import_job {
	uv_work_t		 work;
	uv_idle_t		 idle;
	struct daemon		*d;
	struct api_client	*cl;		/* NULL once it has gone */
	enum list_format	 fmt;
	int			 fds[API_FDS_MAX]; /* -1 once closed */
	char			 names[API_FDS_MAX][IMPORT_NAME_MAX + 1];
	size_t			 nfiles;
	char			 dir[PATH_MAX];	/* the private copy */
	char			 who[API_WHO_MAX]; /* the caller, for the log */
	int			 progress;	/* the client asked */
	int			 stepping;	/* idle initialised */
	struct list_import	*imp;
	struct list_stats	 st;
	int			 r;
	char			 err[512];
};

static void
import_job_free(struct import_job *job)
{
	size_t i;

	for (i = 0; i < job->nfiles; i++)
		if (job->fds[i] != -1)
			close(job->fds[i]);
	list_import_free(job->imp);
	free(job);
}

static void
import_job_closed(uv_handle_t *h)
{
	import_job_free(h->data);
}

void
api_import_detach(struct api *api, struct api_client *cl)
{
	if (api->import != NULL && api->import->cl == cl)
		api->import->cl = NULL;
}

/* The answer, the log line, and the end of the job. */
static void
import_finish(struct import_job *job)
{
	struct daemon	*d = job->d;
	const char	*name = list_format_name(job->fmt);
	json_t		*resp;

	if (job->r != 0) {
		log_info("api", "import-list %s %s by %s failed: %s", name,
		    job->names[0], job->who, job->err[0] ? job->err :
		    lcn_strerror(job->r));
		resp = api_error(job->r, job->err[0] ? job->err :
		    lcn_strerror(job->r));
	} else {
		log_info("api", "imported %s from %s by %s: parties=%zu "
		    "aliases=%zu bad_rows=%zu", name, job->names[0], job->who,
		    job->st.parties, job->st.aliases, job->st.bad_rows);
		resp = json_pack("{s:b, s:s, s:I, s:I, s:I, s:s}", "ok", 1,
		    "format", name, "parties", (json_int_t)job->st.parties,
		    "aliases", (json_int_t)job->st.aliases, "bad_rows",
		    (json_int_t)job->st.bad_rows, "first_bad",
		    job->st.first_bad);
	}
	if (job->cl != NULL)
		api_reply(job->cl, resp);
	else
		json_decref(resp);
	if (d->api != NULL && d->api->import == job)
		d->api->import = NULL;
	if (job->stepping)
		uv_close((uv_handle_t *)&job->idle, import_job_closed);
	else
		import_job_free(job);
}

static void
import_step(uv_idle_t *h)
{
	struct import_job	*job = h->data;
	uint64_t		 done, total;
	int			 finished = 0;

	job->r = store_import_step(job->d->store, job->imp, &finished,
	    job->err, sizeof(job->err));
	if (job->r == 0 && !finished) {
		if (job->progress && job->cl != NULL) {
			list_import_progress(job->imp, &done, &total);
			api_reply(job->cl, json_pack("{s:{s:I, s:I}}", "progress",
			    "done", (json_int_t)done, "total",
			    (json_int_t)total));
		}
		return;
	}
	uv_idle_stop(h);
	import_finish(job);
}

/* Copies what fd holds, from its start, into a new file at path. */
static int
copy_fd(int fd, const char *name, const char *path, char *err,
    size_t errsz)
{
	struct stat	 st;
	char		*buf = NULL;
	off_t		 off = 0;
	ssize_t		 n, w;
	size_t		 done;
	int		 out = -1, r = LCN_EIO;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "import-list: %s: expected a regular "
		    "file", name);
		return LCN_EINVAL;
	}
	if ((uint64_t)st.st_size > IMPORT_FILE_MAX) {
		snprintf(err, errsz, "import-list: %s: %lld bytes, over "
		    "IMPORT_FILE_MAX (%llu)", name, (long long)st.st_size,
		    IMPORT_FILE_MAX);
		return LCN_EINVAL;
	}
	if ((buf = malloc(64 * 1024)) == NULL)
		return LCN_ENOMEM;
	if ((out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errsz, "import-list: cannot copy %s: %s", name,
		    strerror(errno));
		goto out;
	}
	for (;;) {
		if ((n = pread(fd, buf, 64 * 1024, off)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "import-list: cannot read %s: %s",
			    name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((uint64_t)off + (uint64_t)n > IMPORT_FILE_MAX) {
			snprintf(err, errsz, "import-list: %s grew over "
			    "IMPORT_FILE_MAX (%llu)", name, IMPORT_FILE_MAX);
			r = LCN_EINVAL;
			goto out;
		}
		for (done = 0; done < (size_t)n; done += (size_t)w)
			if ((w = write(out, buf + done, (size_t)n - done)) ==
			    -1) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				snprintf(err, errsz, "import-list: cannot copy "
				    "%s: %s", name, strerror(errno));
				goto out;
			}
		off += n;
	}
	r = 0;
 out:
	if (out != -1 && close(out) == -1 && r == 0) {
		snprintf(err, errsz, "import-list: cannot copy %s: %s", name,
		    strerror(errno));
		r = LCN_EIO;
	}
	free(buf);
	return r;
}

/* Removes "dir/" wherever it appears in s: messages name the list only. */
static void
strip_dir(char *s, const char *dir)
{
	char	pfx[PATH_MAX + 1], *m;
	size_t	len;

	snprintf(pfx, sizeof(pfx), "%s/", dir);
	len = strlen(pfx);
	while ((m = strstr(s, pfx)) != NULL)
		memmove(m, m + len, strlen(m + len) + 1);
}

/*
 * On the thread pool: the caller's files copied into a private directory
 * and parsed there, nothing of the loop or LMDB; the copy and the
 * descriptors are gone when it returns.
 */
static void
import_parse(uv_work_t *w)
{
	struct import_job	*job = w->data;
	char			 path[PATH_MAX + IMPORT_NAME_MAX + 2];
	size_t			 i, ncopied = 0;
	int			 lockfd = -1;

	job->r = LCN_EIO;
	if (mkdtemp(job->dir) == NULL) {
		snprintf(job->err, sizeof(job->err), "import-list: cannot "
		    "make a directory in data_dir: %s", strerror(errno));
		job->dir[0] = '\0';
		goto out;
	}
	/* Ours while it exists: api_import_sweep() leaves it alone. */
	if ((lockfd = open(job->dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1)
		(void)flock(lockfd, LOCK_EX);
	for (i = 0; i < job->nfiles; i++, ncopied++) {
		snprintf(path, sizeof(path), "%s/%s", job->dir, job->names[i]);
		if ((job->r = copy_fd(job->fds[i], job->names[i], path,
		    job->err, sizeof(job->err))) != 0) {
			ncopied++;	/* it may have created the file */
			goto out;
		}
		close(job->fds[i]);
		job->fds[i] = -1;
	}
	snprintf(path, sizeof(path), "%s/%s", job->dir, job->names[0]);
	job->r = list_parse(job->fmt, path, NULL, NULL, &job->imp, &job->st,
	    job->err, sizeof(job->err));
	strip_dir(job->err, job->dir);
	strip_dir(job->st.first_bad, job->dir);
 out:
	for (i = 0; i < job->nfiles; i++) {
		if (job->fds[i] != -1)
			close(job->fds[i]);
		job->fds[i] = -1;
		if (i < ncopied && job->dir[0] != '\0') {
			snprintf(path, sizeof(path), "%s/%s", job->dir,
			    job->names[i]);
			unlink(path);
		}
	}
	if (job->dir[0] != '\0')
		rmdir(job->dir);
	if (lockfd != -1)
		close(lockfd);
}

static void
import_parsed(uv_work_t *w, int status)
{
	struct import_job *job = w->data;

	/* No step has run: the store knows nothing of this import yet. */
	if (status == UV_ECANCELED || job->d->stopping) {
		job->cl = NULL;
		if (status == UV_ECANCELED && job->r == 0)
			job->r = LCN_EIO;
	}
	if (job->r != 0 || job->d->stopping) {
		import_finish(job);
		return;
	}
	uv_idle_init(job->d->loop, &job->idle);
	job->idle.data = job;
	job->stepping = 1;
	uv_idle_start(&job->idle, import_step);
}

void
api_import_stop(struct daemon *d)
{
	struct import_job *job = d->api->import;

	if (job == NULL)
		return;
	job->cl = NULL;
	d->api->import = NULL;
	if (!job->stepping) {
		/* Freed by import_parsed, which sees d->stopping. */
		uv_cancel((uv_req_t *)&job->work);
		return;
	}
	uv_idle_stop(&job->idle);
	store_import_cancel(d->store, job->imp);
	uv_close((uv_handle_t *)&job->idle, import_job_closed);
}

/* A name as the list readers will see it: safe in a path and a log. */
static int
name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > IMPORT_NAME_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

json_t *
api_cmd_import(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct import_job	*job;
	enum list_format	 fmt;
	const char		*format, *name;
	json_t			*files;
	size_t			 n, i, k;
	int			 r;

	format = json_string_value(json_object_get(req, "format"));
	files = json_object_get(req, "files");
	if (json_object_get(req, "path") != NULL)
		return api_error(LCN_EINVAL, "import-list: lcnd does not open "
		    "paths for its callers; send the open files (lcn "
		    "import-list does)");
	n = json_array_size(files);
	if (format == NULL || list_format_parse(format, &fmt) != 0 ||
	    !json_is_array(files) || n == 0 || n > API_FDS_MAX ||
	    (fmt != LIST_OFAC_SDN && n != 1))
		return api_error(LCN_EINVAL, "import-list: expected "
		    "\"format\" (ofac-sdn, un-xml, bis-dpl, csl, lite-denials) "
		    "and \"files\": the name of each file passed (one; "
		    "ofac-sdn: up to three, the main file first)");
	for (i = 0; i < n; i++) {
		name = json_string_value(json_array_get(files, i));
		for (k = 0; name != NULL && k < i; k++)
			if (strcmp(name, json_string_value(json_array_get(
			    files, k))) == 0)
				name = NULL;
		if (name == NULL || !name_ok(name))
			return api_error(LCN_EINVAL, "import-list: \"files\" "
			    "holds names of letters, digits, '.', '_' and '-', "
			    "distinct, at most 64 bytes, without a leading dot");
	}
	if (d->api->import != NULL)
		return api_error(LCN_EINVAL, "import-list: another import "
		    "is running; try again when it has finished");
	if ((job = calloc(1, sizeof(*job))) == NULL)
		return api_error(LCN_ENOMEM, "import-list: out of memory");
	for (i = 0; i < API_FDS_MAX; i++)
		job->fds[i] = -1;
	if ((r = api_take_fds(cl, job->fds, n)) != 0) {
		free(job);
		return api_error(LCN_EINVAL, "import-list: expected the "
		    "open file for each name in \"files\", passed with the "
		    "request (SCM_RIGHTS)");
	}
	job->nfiles = n;
	for (i = 0; i < n; i++)
		snprintf(job->names[i], sizeof(job->names[i]), "%s",
		    json_string_value(json_array_get(files, i)));
	if (snprintf(job->dir, sizeof(job->dir), "%s/import.XXXXXX",
	    d->conf->cfg.data_dir) >= (int)sizeof(job->dir)) {
		import_job_free(job);
		return api_error(LCN_EINVAL, "import-list: data_dir too long");
	}
	snprintf(job->who, sizeof(job->who), "%s", cl->who);
	job->d = d;
	job->cl = cl;
	job->fmt = fmt;
	job->progress = json_is_true(json_object_get(req, "progress"));
	job->work.data = job;
	if ((r = uv_queue_work(d->loop, &job->work, import_parse,
	    import_parsed)) != 0) {
		import_job_free(job);
		return api_error(LCN_EIO, uv_strerror(r));
	}
	log_info("api", "import-list %s %s started by %s",
	    list_format_name(fmt), job->names[0], job->who);
	d->api->import = job;
	return NULL;	/* import_finish answers */
}

/*
 * Whether name is one mkdtemp() made for a private copy: "import." and
 * six letters or digits, nothing more.
 */
static int
leftover_name(const char *name)
{
	size_t i;

	if (strncmp(name, "import.", 7) != 0 || strlen(name) != 13)
		return 0;
	for (i = 7; i < 13; i++)
		if (!isalnum((unsigned char)name[i]))
			return 0;
	return 1;
}

/*
 * Empties the directory fd of the files an import copied into it; a
 * subdirectory (never one of ours) is left. Counts what went.
 */
static void
empty_dir(int fd, size_t *nfiles, unsigned long long *bytes)
{
	DIR		*dir;
	struct dirent	*de;
	struct stat	 st;
	int		 dup_fd;

	if ((dup_fd = dup(fd)) == -1)
		return;
	if ((dir = fdopendir(dup_fd)) == NULL) {
		close(dup_fd);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0) {
			(*nfiles)++;
			*bytes += (unsigned long long)st.st_size;
		}
	}
	closedir(dir);
}

void
api_import_sweep(const char *data_dir)
{
	DIR			*dir;
	struct dirent		*de;
	struct stat		 st;
	unsigned long long	 bytes;
	size_t			 nfiles;
	int			 dfd, fd;

	if ((dfd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;		/* the store, opened first, says why */
	if ((dir = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!leftover_name(de->d_name) ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode) ||
		    (fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		/*
		 * A running import holds its directory locked (import_parse):
		 * another lcnd on the same data_dir, which is a mistake, but
		 * not one to make worse by deleting its copy.
		 */
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			log_warnx("api", "%s/%s: in use by a running import: "
			    "kept", data_dir, de->d_name);
			close(fd);
			continue;
		}
		nfiles = 0;
		bytes = 0;
		empty_dir(fd, &nfiles, &bytes);
		if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) == 0)
			log_warnx("api", "removed %s/%s, the copy of a list "
			    "whose import-list was cut short (%zu file%s, %llu "
			    "bytes)", data_dir, de->d_name, nfiles,
			    nfiles == 1 ? "" : "s", bytes);
		else
			log_warnx("api", "%s/%s, left by an import-list cut "
			    "short: cannot remove it: %s", data_dir,
			    de->d_name, strerror(errno));
		close(fd);
	}
	closedir(dir);
}
