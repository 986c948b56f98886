/* command.c: looking a command up in a command table (command.h). */
#include <string.h>

#include "latticectl/command.h"
#include "banned.h"

const struct lt_cmd *
lt_cmd_find(const struct lt_cmd *const *table, const char *name)
{
	for (; table && *table; table++)
		if (!strcmp((*table)->name, name) ||
		    ((*table)->alias && !strcmp((*table)->alias, name)))
			return *table;
	return NULL;
}
