# tests/apache/apache-lib.sh: a private Debian apache2 for tests/apache,
# sourced after tests/e2e/lib.sh. Everything lives in var/apache/<name>/
# (ServerRoot, config, pid, logs, mod_fcgid's sockets); the server listens on
# a free loopback port picked at run time and runs wholly as www-data (no
# root process: the master is started as www-data too), with the workers of
# the build under test and the stack's database.
#
#   apache_setup                 the workers' config and folders (once)
#   apache_start NAME SITE       SITE: fcgid | cgi | htaccess; sets A_URL,
#                                A_PID, A_DIR, A_LOG (the ErrorLog, where
#                                the workers' stderr goes)
#   apache_stop                  SIGTERM by pid, wait for the server to go

A_USER=www-data
A_MODS=/usr/lib/apache2/modules
A_VAR=$ROOT/var/apache
# The workers' config under Apache: the stack's, without nchan (Apache has
# none: the events worker serves long-polls itself), with a folder of its
# own for attachments (written by www-data), a copy of the data keys file
# www-data may read, and no audit signing key (the workers never sign; only
# the sealer does).
A_CONF=$A_VAR/concierge.conf

apache_setup() {
	local w keys
	command -v apache2 >/dev/null || bail "apache2 is not installed (scripts/dev installs it)"
	[[ -f $A_MODS/mod_fcgid.so ]] || bail "mod_fcgid is not installed (libapache2-mod-fcgid)"
	id "$A_USER" >/dev/null 2>&1 || bail "no user $A_USER"
	mkdir -p "$A_VAR/libexec" "$A_VAR/attachments" || bail "cannot create $A_VAR"
	grep -vE '^[[:space:]]*(events\.nchan_socket|audit\.signing_key_file|attachments\.dir|crypto\.keys_file)[[:space:]]*=' \
		"$CONF" >"$A_CONF.tmp" || bail "cannot copy $CONF"
	printf 'attachments.dir = %s\n' "$A_VAR/attachments" >>"$A_CONF.tmp"
	# The data keys file (0600, the stack's owner): a copy www-data owns.
	keys=$(conf_get crypto.keys_file)
	if [[ -n $keys ]]; then
		cp "$keys" "$A_VAR/data-keys" || bail "cannot copy $keys"
		printf 'crypto.keys_file = %s\n' "$A_VAR/data-keys" >>"$A_CONF.tmp"
	fi
	mv "$A_CONF.tmp" "$A_CONF"
	# The binaries of the build under test, under the names Apache maps to.
	for w in auth records appointments messaging waitingroom audit events; do
		ln -sfn "$BUILD/cgi-bin/$w/concierge-$w" "$A_VAR/libexec/concierge-$w"
	done
	chown -R "$A_USER:$A_USER" "$A_VAR"
	chmod 0600 "$A_CONF"
	if [[ -f $A_VAR/data-keys ]]; then chmod 0600 "$A_VAR/data-keys"; fi
	chmod 0700 "$A_VAR/attachments"
	# www-data must pass through var/ (0700) to the database socket, the
	# clock offset file and var/apache: 0711 lets it in without listing.
	A_VAR_MODE=$(stat -c %a "$ROOT/var")
	chmod 0711 "$ROOT/var"
	on_exit "chmod $A_VAR_MODE '$ROOT/var'"
	on_exit apache_merge_attachments
}

# apache_merge_attachments: the files uploaded through Apache join the
# stack's store. Apache shares the stack's database, so its rows name files
# only var/apache holds; left there, the store and the database disagree
# (a backup calls that incomplete, concierge-keys status cannot open them).
apache_merge_attachments() {
	local store own f rel
	store=$(conf_get attachments.dir)
	[[ -n $store && -d $store ]] || return 0
	own=$(stat -c %u:%g "$store")
	while IFS= read -r -d '' f; do
		rel=${f#"$A_VAR/attachments/"}
		mkdir -p "$store/${rel%/*}" && chown "$own" "$store/${rel%/*}" &&
			chmod 0700 "$store/${rel%/*}" &&
			cp -p "$f" "$store/$rel" && chown "$own" "$store/$rel" ||
			diag "cannot move $rel into the stack's attachment store"
	done < <(find "$A_VAR/attachments" -mindepth 2 -maxdepth 2 -type f \
		-path "$A_VAR/attachments/[0-9a-f][0-9a-f]/*" -print0)
}

# a_port: a free loopback TCP port.
a_port() {
	"$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# a_render NAME SITE PORT: var/apache/NAME/httpd.conf.
a_render() {
	local name=$1 site=$2 port=$3 d=$A_VAR/$1 m
	mkdir -p "$d/htdocs" "$d/fcgid" || bail "cannot create $d"
	{
		cat <<EOF
# Written by tests/apache/apache-lib.sh: $site
ServerRoot "$d"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$d/httpd.pid"
ErrorLog "$d/error.log"
LogLevel warn
DefaultRuntimeDir "$d"
Mutex file:$d
EOF
		for m in mpm_event authz_core alias mime setenvif headers unique_id env \
			reqtimeout rewrite; do
			printf 'LoadModule %s_module %s/mod_%s.so\n' "$m" "$A_MODS" "$m"
		done
		cat <<EOF
TypesConfig /etc/mime.types
LogFormat "%a [%{%FT%T}t] \"%r\" %>s %B %D rid=%{UNIQUE_ID}e" concierge
CustomLog "$d/access.log" concierge
# Enough threads for the booking race's concurrent requests.
StartServers 1
ServerLimit 2
ThreadsPerChild 64
MaxRequestWorkers 128
DocumentRoot "$d/htdocs"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
Define CONCIERGE_LIBEXEC $A_VAR/libexec
Define CONCIERGE_CONFIG $A_CONF
Define CONCIERGE_SHARE $SRCDIR/apache
EOF
		case $site in
		fcgid)
			cat <<EOF
LoadModule fcgid_module $A_MODS/mod_fcgid.so
FcgidIPCDir "$d/fcgid"
FcgidProcessTableFile "$d/fcgid_shm"
# Let mod_fcgid start processes for a burst at once (server scope only).
FcgidSpawnScoreUpLimit 64
Include "$SRCDIR/apache/concierge.conf"
EOF
			;;
		cgi)
			cat <<EOF
LoadModule cgid_module $A_MODS/mod_cgid.so
ScriptSock "$d/cgid.sock"
Include "$SRCDIR/apache/concierge-cgi.conf"
EOF
			;;
		htaccess)
			# A shared host: the operator's vhost lets .htaccess do it all.
			cat <<EOF
LoadModule cgid_module $A_MODS/mod_cgid.so
ScriptSock "$d/cgid.sock"
<Directory "$d/htdocs">
    AllowOverride All
    # The binaries are symbolic links to the build's here.
    Options FollowSymLinks
    Require all granted
</Directory>
EOF
			mkdir -p "$d/htdocs/concierge-bin" "$d/htdocs/problem"
			cp "$SRCDIR"/apache/problem/*.json "$d/htdocs/problem/"
			for m in auth records appointments messaging waitingroom audit events; do
				ln -sfn "$BUILD/cgi-bin/$m/concierge-$m" "$d/htdocs/concierge-bin/concierge-$m.cgi"
			done
			sed -e "s|/home/USER/concierge/concierge.conf|$A_CONF|" \
				"$SRCDIR/apache/htaccess.example" >"$d/htdocs/.htaccess"
			;;
		*) bail "apache_start: unknown site '$site'" ;;
		esac
	} >"$d/httpd.conf"
	chown -R "$A_USER:$A_USER" "$d"
}

# a_as_user CMD...: run CMD as www-data, with no supplementary groups.
a_as_user() {
	setpriv --reuid="$A_USER" --regid="$A_USER" --clear-groups --reset-env -- "$@"
}

apache_start() {
	local name=$1 site=$2 port i
	A_DIR=$A_VAR/$name
	A_LOG=$A_DIR/error.log
	for ((i = 0; i < 5; i++)); do
		port=$(a_port) || bail "no free port"
		a_render "$name" "$site" "$port"
		rm -f "$A_DIR/httpd.pid"
		: >"$A_LOG"
		chown "$A_USER:$A_USER" "$A_LOG"
		a_as_user /usr/sbin/apache2 -t -f "$A_DIR/httpd.conf" >"$A_DIR/configtest.out" 2>&1 ||
			bail "apache2 -t rejects the $site configuration: $(tr '\n' ' ' <"$A_DIR/configtest.out")"
		a_as_user /usr/sbin/apache2 -f "$A_DIR/httpd.conf" -k start >"$A_DIR/start.out" 2>&1
		if wait_until 10 '[[ -s $A_DIR/httpd.pid ]]'; then
			A_PID=$(<"$A_DIR/httpd.pid")
			on_exit apache_stop
			A_URL=http://127.0.0.1:$port
			wait_until 10 'curl -s -o /dev/null --max-time 1 "$A_URL/"' ||
				bail "apache ($site) does not answer on $A_URL: $(tail -n 5 "$A_LOG" | tr '\n' ' ')"
			return 0
		fi
		# Lost the port to someone else between picking and binding: again.
		grep -q 'Address already in use' "$A_LOG" "$A_DIR/start.out" 2>/dev/null && continue
		break
	done
	bail "apache ($site) did not start: $(cat "$A_DIR/start.out"; tail -n 5 "$A_LOG" | tr '\n' ' ')"
}

apache_stop() {
	[[ -n ${A_PID:-} ]] || return 0
	kill -TERM "$A_PID" 2>/dev/null
	wait_until 20 proc_gone "$A_PID" || kill -KILL "$A_PID" 2>/dev/null
	A_PID=
}
