// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only buffer owner: /sys/kernel/debug/zcrx/<id>/post_test_buffers
 * takes a count and posts that many kernel pages to binding <id>.  It
 * lets tests move every counter of a binding on any driver before a real
 * owner (vhost-net) posts guest memory.  Released pages are freed.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#include "zcrx.h"

/* More than any test ring; bounds what one write can allocate. */
#define ZCRX_TEST_POST_MAX 4096

static struct dentry *zcrx_debugfs_root;

/**
 * zcrx_test_buf_release() - free a test buffer zcrx gives back
 * @buf: the buffer, from zcrx_test_post_one()
 * @filled: ignored: nobody consumes test frames, the page is just freed
 *
 * Context: any, including hard IRQ (&struct zcrx_buf_owner_ops).
 */
static void zcrx_test_buf_release(struct zcrx_buf *buf, bool filled)
{
	__free_page(buf->page);
	kfree(buf);
}

static const struct zcrx_buf_owner_ops zcrx_test_owner = {
	.release = zcrx_test_buf_release,
};

/**
 * zcrx_test_post_one() - post a freshly allocated page to a binding
 * @binding: the binding, alive for the write (see zcrx_debugfs_binding_add())
 * @cookie: the buffer's cookie
 *
 * Context: process context; sleeps.
 * Return: 0 when posted, or a negative errno (-ENOMEM or the error of
 * zcrx_post_rx_buffer()) with the buffer freed.
 */
static int zcrx_test_post_one(struct zcrx_binding *binding, u64 cookie)
{
	struct zcrx_buf *buf;
	int err;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	buf->page = alloc_page(GFP_KERNEL);
	if (!buf->page) {
		kfree(buf);
		return -ENOMEM;
	}
	buf->len = PAGE_SIZE;
	buf->cookie = cookie;
	buf->owner = &zcrx_test_owner;
	err = zcrx_post_rx_buffer(binding, buf);
	if (err) {
		__free_page(buf->page);
		kfree(buf);
	}
	return err;
}

/**
 * zcrx_test_post_write() - write handler of post_test_buffers
 * @file: the open file; its private_data is the binding
 * @ubuf: user buffer holding the count of pages to post
 * @len: bytes in @ubuf
 * @ppos: file position, unused
 *
 * Posting stops at the first failure (e.g. a full ring).
 *
 * Context: process context; sleeps.
 * Return: @len when at least one page was posted, else a negative errno
 * (-EINVAL for a count of 0 or above %ZCRX_TEST_POST_MAX).
 */
static ssize_t zcrx_test_post_write(struct file *file,
				    const char __user *ubuf, size_t len,
				    loff_t *ppos)
{
	struct zcrx_binding *binding = file->private_data;
	unsigned int count, i;
	int err;

	err = kstrtouint_from_user(ubuf, len, 0, &count);
	if (err)
		return err;
	if (!count || count > ZCRX_TEST_POST_MAX)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		err = zcrx_test_post_one(binding, i);
		if (err)
			return i ? len : err;
	}
	return len;
}

static const struct file_operations zcrx_test_post_fops = {
	.open = simple_open,
	.write = zcrx_test_post_write,
	.llseek = noop_llseek,
};

/**
 * zcrx_debugfs_binding_add() - create the test files of a binding
 * @binding: the new binding; its directory is removed when it ends
 *
 * debugfs waits for running writes before removing the file, so a
 * write always sees a live binding.
 */
void zcrx_debugfs_binding_add(struct zcrx_binding *binding)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", binding->id);
	binding->debugfs = debugfs_create_dir(name, zcrx_debugfs_root);
	debugfs_create_file("post_test_buffers", 0200, binding->debugfs,
			    binding, &zcrx_test_post_fops);
}

/**
 * zcrx_debugfs_init() - create /sys/kernel/debug/zcrx
 *
 * The parent of the bindings' directories.  A failure is not reported, as
 * for any debugfs file: the test files are then missing.
 *
 * Context: boot, from zcrx_init().
 */
void __init zcrx_debugfs_init(void)
{
	zcrx_debugfs_root = debugfs_create_dir("zcrx", NULL);
}
