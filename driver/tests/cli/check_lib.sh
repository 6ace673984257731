# check_lib.sh: what the CLI check scripts share (sourced).  Set CHECK (the script's name)
# first; `fail` ends 1 when any check failed.
fail=0
bad() { echo "$CHECK: $*"; fail=1; }
expect() { # expect NAME RC TEXT CMD...: exit status RC and TEXT in the output
	local name=$1 want=$2 text=$3 out rc; shift 3
	out=$("$@" 2>&1); rc=$?
	[ $rc -eq "$want" ] || bad "$name: exit $rc, wanted $want; got: $out"
	grep -qF -- "$text" <<<"$out" || bad "$name: no '$text' in: $out"
}
