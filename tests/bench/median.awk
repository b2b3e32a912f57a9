# median.awk — per key, the median of each value column over several files
# of "key<TAB>v1[<TAB>v2...]" lines (one file per traced run).  A key missing
# from a file counts as 0 there (a syscall not made in that run), unless
# -v skip=1 (a stage a run did not reach is left out of its median).
#   awk [-v skip=1] -f median.awk RUN1 RUN2 ...
function med(list,    n, a, i, j, v) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) {
		v = a[i] + 0
		for (j = i - 1; j > 0 && a[j] + 0 > v; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
BEGIN { FS = OFS = "\t" }
FNR == 1 { files++ }
{
	keys[$1] = 1
	if (NF - 1 > cols)
		cols = NF - 1
	for (c = 2; c <= NF; c++)
		val[$1, c] = val[$1, c] " " $c
	seen[$1]++
}
END {
	for (k in keys) {
		line = k
		for (c = 2; c <= cols + 1; c++) {
			l = val[k, c]
			if (!skip)
				for (i = seen[k]; i < files; i++)
					l = l " 0"
			line = line OFS sprintf("%.0f", med(l))
		}
		print line
	}
}
