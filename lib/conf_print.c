/* The configuration as canonical statements, one `set` per leaf. */
#include <stdio.h>
#include <string.h>

#include "conf.h"

static void
word(FILE *fp, const char *w)
{
	if (w[0] != '\0' && strpbrk(w, " \t\"\\#") == NULL) {
		fputs(w, fp);
		return;
	}
	putc('"', fp);
	for (; *w != '\0'; w++) {
		if (*w == '"' || *w == '\\')
			putc('\\', fp);
		putc(*w, fp);
	}
	putc('"', fp);
}

/* Depth first: a node without children ends one statement. */
static void
print(FILE *fp, const struct conf_node *n, const char **path, int depth,
    int secrets)
{
	const struct conf_node *c;
	int i;

	if ((c = conf_first(n)) == NULL) {
		fputs("set", fp);
		for (i = 0; i < depth; i++) {
			putc(' ', fp);
			if (!secrets && i == depth - 1 && conf_isvalue(n) &&
			    conf_schema_of(n)->type == CONF_T_SECRET)
				fputs("\"(hidden)\"", fp);
			else
				word(fp, path[i]);
		}
		putc('\n', fp);
		return;
	}
	for (; c != NULL; c = conf_next(c)) {
		path[depth] = conf_word(c);
		print(fp, c, path, depth + 1, secrets);
	}
}

void
conf_print(FILE *fp, const struct conf *c, int secrets)
{
	const char *path[CONF_WORDS_MAX];

	if (conf_first(conf_root(c)) != NULL)
		print(fp, conf_root(c), path, 0, secrets);
}
