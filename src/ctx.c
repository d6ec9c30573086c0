/*
 * ctx.c: the context every call runs in: the last error message and the
 * log and progress callbacks.  There is no global state in the library; two
 * contexts may be used from two threads.
 */
#include "internal.h"
#include "cm_version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The catalogue is bound once per process (bindtextdomain is not a
 * per-context setting); the application chooses the language itself
 * (setlocale, LANGUAGE: cli/main.c). */
int cm_messages_bind(const char *localedir)
{
	if (!bindtextdomain(CM__DOMAIN, localedir ? localedir : CM_LOCALEDIR) ||
	    !bind_textdomain_codeset(CM__DOMAIN, "UTF-8"))
		return CM_ENOMEM;
	return 0;
}

const char *cm_messages_dir(void)
{
	return CM_LOCALEDIR;
}

const char *cm__level_label(cm_level lv)
{
	return lv == CM_PRIMARY ? _("primary") : _("junior");
}

int cm_ctx_new(cm_ctx **out)
{
	*out = calloc(1, sizeof(cm_ctx));
	return *out ? 0 : CM_ENOMEM;
}

void cm_ctx_free(cm_ctx *ctx)
{
	free(ctx);
}

const char *cm_ctx_last_error(const cm_ctx *ctx)
{
	return ctx ? ctx->errmsg : "no context";
}

void cm_ctx_set_log(cm_ctx *ctx, cm_log_fn fn, void *ud)
{
	ctx->log = fn;
	ctx->log_ud = ud;
}

void cm_ctx_set_progress(cm_ctx *ctx, cm_progress_fn fn, void *ud)
{
	ctx->progress = fn;
	ctx->progress_ud = ud;
}

const char *cm_version(void)
{
	return CM_VERSION;
}

int cm__error(cm_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
	va_end(ap);
	return code;
}

void cm__log(cm_ctx *ctx, cm_log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	if (!ctx->log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ctx->log(level, buf, ctx->log_ud);
}

void cm__ctx_quiet(const cm_ctx *ctx, cm_ctx *quiet)
{
	*quiet = *ctx;
	quiet->log = NULL;
	quiet->errmsg[0] = '\0';
}

int cm__error_of(cm_ctx *ctx, int code, const cm_ctx *quiet)
{
	return cm__error(ctx, code, "%s", quiet->errmsg);
}

void cm__progress(cm_ctx *ctx, double done, const char *stage)
{
	if (ctx->progress)
		ctx->progress(done < 0 ? 0 : done > 1 ? 1 : done, stage, ctx->progress_ud);
}
