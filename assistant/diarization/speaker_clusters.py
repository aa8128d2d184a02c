"""Clustering a file's voice windows at a cost that grows linearly with its length.

Average linkage over all N windows of a file needs N²/2 distances: a three-hour
recording has about 14,000 windows, 100 M distances (0.8 GB) before the first merge.
So windows are clustered in chunks of a fixed size (exact average linkage inside each),
and each chunk's clusters then join the clusters of the chunks before them by the same
rule on groups. For L2-normalised vectors the mean cosine between the members of two
groups is the dot product of their sums over the product of their sizes, so a group is
its (sum, count): merging two groups is exactly what average linkage does with the union
of their windows, and the running state is one row per voice heard so far. A chunk costs
chunk² distances plus (voices so far + its clusters)², whatever the file's length.
"""

from __future__ import annotations

import numpy as np

# Windows clustered together before merging: 300 windows, 0.75 s apart, are about four
# minutes of speech (45,000 distances). Interviews of a few minutes fit in one chunk, so
# they are clustered exactly as before.
CHUNK_WINDOWS = 300


def cluster(vectors: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster labels (0..k-1) of L2-normalised rows: average linkage, cosine distance."""
    if len(vectors) == 1:
        return np.zeros(1, dtype=int)
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(vectors.astype(np.float64), method="average", metric="cosine")
    return np.asarray(fcluster(tree, t=threshold, criterion="distance"), dtype=int) - 1


def merge_groups(
    sums: np.ndarray, counts: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Average linkage over groups given as (sum of unit vectors, count), merging while
    the closest two are within `threshold` cosine distance. Returns each group's new
    cluster (0..k-1) and the clusters' sums and counts."""
    sums = np.asarray(sums, dtype=np.float64).copy()
    counts = np.asarray(counts, dtype=np.float64).copy()
    n = len(counts)
    owner = np.arange(n)
    alive = np.ones(n, dtype=bool)
    similarity = (sums @ sums.T) / np.outer(counts, counts)
    np.fill_diagonal(similarity, -np.inf)
    while alive.sum() > 1:
        flat = int(np.argmax(similarity))
        i, j = divmod(flat, n)
        if 1.0 - similarity[i, j] > threshold:
            break
        sums[i] += sums[j]
        counts[i] += counts[j]
        alive[j] = False
        owner[owner == j] = i
        row = (sums @ sums[i]) / (counts * counts[i])
        row[~alive] = -np.inf
        row[i] = -np.inf
        similarity[i, :] = similarity[:, i] = row
        similarity[j, :] = similarity[:, j] = -np.inf
    kept = np.flatnonzero(alive)
    renumber = np.full(n, -1)
    renumber[kept] = np.arange(len(kept))
    return renumber[owner], sums[kept], counts[kept]


def cluster_bounded(
    vectors: np.ndarray, threshold: float, chunk: int = CHUNK_WINDOWS
) -> np.ndarray:
    """Cluster labels (0..k-1) of L2-normalised rows in time order, chunk by chunk: the
    same as `cluster` for up to `chunk` rows, bounded cost per row beyond."""
    if len(vectors) <= chunk:
        return cluster(vectors, threshold)
    width = vectors.shape[1]
    window_group = np.empty(len(vectors), dtype=int)  # each window's chunk cluster
    group_voice = np.zeros(0, dtype=int)  # each chunk cluster's running voice
    voice_sums = np.zeros((0, width))
    voice_counts = np.zeros(0)
    for start in range(0, len(vectors), chunk):
        part = np.asarray(vectors[start : start + chunk], dtype=np.float64)
        local = cluster(part, threshold)
        k = int(local.max()) + 1
        sums = np.zeros((k, width))
        np.add.at(sums, local, part)
        counts = np.bincount(local, minlength=k).astype(np.float64)
        known = len(voice_counts)
        owner, voice_sums, voice_counts = merge_groups(
            np.vstack([voice_sums, sums]), np.concatenate([voice_counts, counts]), threshold
        )
        # Earlier groups follow their voice into the new numbering; the chunk's are new.
        group_voice = np.concatenate([owner[group_voice], owner[known:]])
        window_group[start : start + len(part)] = len(group_voice) - k + local
    return group_voice[window_group]
