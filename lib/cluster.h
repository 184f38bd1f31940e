/*
 * lib/cluster.h: reading committed rows in id order on a Galera cluster
 * (docs/SCALING.md). The audit sealer and the events relay walk ids that
 * workers insert concurrently and treat a missing id nobody holds as
 * rolled back. On one server a row lock tells an open insert from a
 * rolled-back one; on a cluster a node sees only its own transactions'
 * locks, and a row another node committed may not be applied here yet.
 * So, on a Galera node, reads are made causal (wsrep_sync_wait) and every
 * node of db.hosts can be asked, over a connection of its own, whether it
 * holds an id.
 */
#ifndef CONCIERGE_CLUSTER_H
#define CONCIERGE_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"

/* db.hosts entries asked at most (lib/db.c reads at most 16). */
#define CLUSTER_NODES_MAX	16

struct cluster {
	const struct cfg	*cfg;
	enum db_role		 role;
	const char		*who;		/* log prefix: "seal", "relay" */
	struct db		*nodes[CLUSTER_NODES_MAX];	/* opened when first asked */
	size_t			 nnodes;	/* db.hosts entries */
	long long		 size;		/* members; 0: not a Galera node */
	int64_t			 logged_at;	/* monotonic usec of the last warning */
};

/*
 * Learn whether db's server is a Galera node and, if so, make db's reads
 * causal (db_causal_reads: kept when lib/db connects again) and note the
 * nodes of cfg's db.hosts (warning once when it lists fewer than the
 * cluster has). Call after each db_open; c keeps its node connections
 * until cluster_close. 0, or -1 if the database failed.
 */
int	cluster_open(struct cluster *c, struct db *db, struct arena *,
	    const struct cfg *cfg, enum db_role role, const char *who);
/* Close the node connections; c can be opened again. */
void	cluster_close(struct cluster *c);
/*
 * Ask every node of db.hosts: fn(node, arg) runs on each with causal
 * reads and returns an enum db_rc; a node that cannot be reached or
 * fails is not counted. Returns 1 when every member answered (all of
 * db.hosts, if it lists fewer), 0 when some did not (logged at most once
 * a minute with what). Not a Galera node, or no db.hosts: 1 at once.
 */
int	cluster_ask(struct cluster *c, int (*fn)(struct db *, void *), void *arg,
	    const char *what);

#endif
