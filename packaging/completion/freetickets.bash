# SPDX-License-Identifier: GPL-3.0-or-later
# Bash completion for freetickets: subcommands, options, preset names, the keys of --set and the values a key
# accepts. Options, presets and keys are asked of the program itself (`SUB --help`, `presets list --names`,
# `settings --keys`, `settings --choices KEY`), once per shell, so they never fall behind it.
# Installed as /usr/share/bash-completion/completions/freetickets; from a build: source this file.

_freetickets_ask() {
    # Cached output of `freetickets ARGS...`, one word per line (the program named on the command line).
    local key="$*" var
    var="_freetickets_cache_$(printf '%s' "$key" | tr -c 'a-zA-Z0-9' '_')"
    if [[ -z "${!var+set}" ]]; then
        printf -v "$var" '%s' "$("$_freetickets_program" "$@" 2>/dev/null)"
    fi
    printf '%s\n' "${!var}"
}

_freetickets_options() {
    # The options that `freetickets SUB... --help` lists.
    _freetickets_ask "$@" --help | grep -oE '^ +(-[a-zA-Z0-9],)?--[a-zA-Z0-9-]+' | sed -E 's/^ +(-[a-zA-Z0-9],)?//'
}

_freetickets_reply() {
    # COMPREPLY from candidates, relative to the part of the word that bash completes (it splits at = and :).
    local cur=$1 prefix word
    shift
    word=$cur
    [[ "$COMP_WORDBREAKS" == *=* ]] && word=${word##*=}
    [[ "$COMP_WORDBREAKS" == *:* ]] && word=${word##*:}
    prefix=${cur%"$word"}
    local c
    COMPREPLY=()
    for c in "$@"; do
        [[ "$c" == "$cur"* ]] && COMPREPLY+=("${c#"$prefix"}")
    done
}

_freetickets() {
    local line=${COMP_LINE:0:COMP_POINT}
    local cur=${line##*[[:space:]]}
    local -a words
    read -ra words <<< "${line:0:${#line}-${#cur}}"
    _freetickets_program=${words[0]:-freetickets}
    local prev=${words[${#words[@]}-1]}

    # The subcommand path: `train`, `runs list`, `presets show`, ...
    local -a path=()
    local w
    for w in "${words[@]:1}"; do
        [[ "$w" == -* ]] && break
        case "${#path[@]}:${path[0]:-}" in
            0:) path+=("$w") ;;
            1:runs | 1:presets | 1:study) path+=("$w") ;;
        esac
    done

    local -a candidates=()
    case "$prev" in
        --set)
            if [[ "$cur" == *=* ]]; then
                local key=${cur%%=*} v
                while read -r v; do [[ -n "$v" ]] && candidates+=("$key=$v"); done \
                    < <(_freetickets_ask settings --choices "$key")
            else
                local k
                while read -r k; do [[ -n "$k" ]] && candidates+=("$k="); done < <(_freetickets_ask settings --keys)
                compopt -o nospace 2>/dev/null
            fi
            _freetickets_reply "$cur" "${candidates[@]}"
            return
            ;;
        --preset)
            mapfile -t candidates < <(_freetickets_ask presets list --names)
            _freetickets_reply "$cur" "${candidates[@]}"
            return
            ;;
        --choices)
            mapfile -t candidates < <(_freetickets_ask settings --keys)
            _freetickets_reply "$cur" "${candidates[@]}"
            return
            ;;
        --db | --out | --screenshot | --stats)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return
            ;;
        --checkpoint-dir | --tickets)
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return
            ;;
        --format)
            _freetickets_reply "$cur" table csv markdown
            return
            ;;
        --executor)
            _freetickets_reply "$cur" local slurm
            return
            ;;
        --device)
            _freetickets_reply "$cur" cpu cuda cuda:0 cuda:1
            return
            ;;
    esac

    if [[ "$cur" == -* ]]; then
        mapfile -t candidates < <(_freetickets_options "${path[@]}")
        _freetickets_reply "$cur" "${candidates[@]}"
        return
    fi
    case "${path[*]}" in
        "")
            _freetickets_reply "$cur" train resume presets settings bench runs eval compare export study
            ;;
        train)
            mapfile -t candidates < <(_freetickets_ask presets list --names)
            _freetickets_reply "$cur" "${candidates[@]}"
            local f
            while read -r f; do COMPREPLY+=("$f"); done < <(compgen -f -X '!*.json' -- "$cur"; compgen -d -- "$cur")
            ;;
        presets)
            _freetickets_reply "$cur" list show
            ;;
        "presets show")
            mapfile -t candidates < <(_freetickets_ask presets list --names)
            _freetickets_reply "$cur" "${candidates[@]}"
            ;;
        runs)
            _freetickets_reply "$cur" list show diff export delete restore purge tag note import
            ;;
        study)
            _freetickets_reply "$cur" run list show export cancel delete
            ;;
        "study run")
            _freetickets_reply "$cur" fashion-claims
            local f
            while read -r f; do COMPREPLY+=("$f"); done < <(compgen -f -X '!*.json' -- "$cur"; compgen -d -- "$cur")
            ;;
        "runs import" | compare)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            ;;
        resume | eval | export)
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            ;;
    esac
}

complete -F _freetickets freetickets
