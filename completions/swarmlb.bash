#!/bin/bash

__swarmlb_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__swarmlb_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__swarmlb_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__swarmlb_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_swarmlb() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    vip|mark|fwm|real|snat|service|ingress|overlay|apply|inspect|dns|help)
        # Offer subcommand argument completions
        "_swarmlb_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'vip mark fwm real snat service ingress overlay apply inspect dns help' -- "${cur}"))
        ;;
    esac
}

_swarmlb_vip() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|del|list)
        # Offer subcommand argument completions
        "_swarmlb_vip_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add del list' -- "${cur}"))
        ;;
    esac
}

_swarmlb_vip_add() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --dev --fwm --chain)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--dev')
        return
        ;;
    '--fwm')
        return
        ;;
    '--chain')
        __swarmlb_add_completions -W 'INPUT'$'\n''OUTPUT'
        return
        ;;
    esac
}

_swarmlb_vip_del() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --dev --fwm --chain)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--dev')
        return
        ;;
    '--fwm')
        return
        ;;
    '--chain')
        __swarmlb_add_completions -W 'INPUT'$'\n''OUTPUT'
        return
        ;;
    esac
}

_swarmlb_vip_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_mark() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|del|list)
        # Offer subcommand argument completions
        "_swarmlb_mark_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add del list' -- "${cur}"))
        ;;
    esac
}

_swarmlb_mark_add() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --port --chain)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--port')
        return
        ;;
    '--chain')
        __swarmlb_add_completions -W 'PREROUTING'$'\n''INPUT'$'\n''FORWARD'$'\n''OUTPUT'$'\n''POSTROUTING'
        return
        ;;
    esac
}

_swarmlb_mark_del() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --port --chain)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--port')
        return
        ;;
    '--chain')
        __swarmlb_add_completions -W 'PREROUTING'$'\n''INPUT'$'\n''FORWARD'$'\n''OUTPUT'$'\n''POSTROUTING'
        return
        ;;
    esac
}

_swarmlb_mark_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_fwm() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|del|list)
        # Offer subcommand argument completions
        "_swarmlb_fwm_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add del list' -- "${cur}"))
        ;;
    esac
}

_swarmlb_fwm_add() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait -s --scheduler -p --persistent)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '-s'|'--scheduler')
        __swarmlb_add_completions -W 'rr'$'\n''wrr'$'\n''lc'$'\n''wlc'$'\n''lblc'$'\n''lblcr'$'\n''dh'$'\n''sh'$'\n''sed'$'\n''nq'$'\n''fo'$'\n''ovf'$'\n''mh'$'\n''twos'
        return
        ;;
    '-p'|'--persistent')
        return
        ;;
    esac
}

_swarmlb_fwm_del() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_fwm_list() {
    repeating_flags=()
    non_repeating_flags=(--json --all --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_real() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|set|del|list)
        # Offer subcommand argument completions
        "_swarmlb_real_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add set del list' -- "${cur}"))
        ;;
    esac
}

_swarmlb_real_add() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait -w --weight --forward -x --upper-threshold -y --lower-threshold)
    __swarmlb_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '-w'|'--weight')
        return
        ;;
    '--forward')
        __swarmlb_add_completions -W 'masq'$'\n''route'$'\n''tunnel'
        return
        ;;
    '-x'|'--upper-threshold')
        return
        ;;
    '-y'|'--lower-threshold')
        return
        ;;
    esac
}

_swarmlb_real_set() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait -w --weight --forward -x --upper-threshold -y --lower-threshold)
    __swarmlb_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '-w'|'--weight')
        return
        ;;
    '--forward')
        __swarmlb_add_completions -W 'masq'$'\n''route'$'\n''tunnel'
        return
        ;;
    '-x'|'--upper-threshold')
        return
        ;;
    '-y'|'--lower-threshold')
        return
        ;;
    esac
}

_swarmlb_real_del() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_real_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_snat() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|del|list)
        # Offer subcommand argument completions
        "_swarmlb_snat_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add del list' -- "${cur}"))
        ;;
    esac
}

_swarmlb_snat_add() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --to-source)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--to-source')
        return
        ;;
    esac
}

_swarmlb_snat_del() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --to-source)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--to-source')
        return
        ;;
    esac
}

_swarmlb_snat_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_service() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|del)
        # Offer subcommand argument completions
        "_swarmlb_service_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add del' -- "${cur}"))
        ;;
    esac
}

_swarmlb_service_add() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --lb-sysctls --version -h --help)
    repeating_options=(-n --netns --real)
    non_repeating_options=(--backend --wait --vip --fwm --dev --chain -s --scheduler --snat --to-source)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--vip')
        return
        ;;
    '--fwm')
        return
        ;;
    '--dev')
        return
        ;;
    '--chain')
        __swarmlb_add_completions -W 'INPUT'$'\n''OUTPUT'
        return
        ;;
    '--real')
        return
        ;;
    '-s'|'--scheduler')
        __swarmlb_add_completions -W 'rr'$'\n''wrr'$'\n''lc'$'\n''wlc'$'\n''lblc'$'\n''lblcr'$'\n''dh'$'\n''sh'$'\n''sed'$'\n''nq'$'\n''fo'$'\n''ovf'$'\n''mh'$'\n''twos'
        return
        ;;
    '--snat')
        return
        ;;
    '--to-source')
        return
        ;;
    esac
}

_swarmlb_service_del() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --vip --fwm --dev --chain)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--vip')
        return
        ;;
    '--fwm')
        return
        ;;
    '--dev')
        return
        ;;
    '--chain')
        __swarmlb_add_completions -W 'INPUT'$'\n''OUTPUT'
        return
        ;;
    esac
}

_swarmlb_ingress() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    publish|unpublish|balance|unbalance|redirect|unredirect)
        # Offer subcommand argument completions
        "_swarmlb_ingress_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'publish unpublish balance unbalance redirect unredirect' -- "${cur}"))
        ;;
    esac
}

_swarmlb_ingress_publish() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --to --gwbridge)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--to')
        return
        ;;
    '--gwbridge')
        return
        ;;
    esac
}

_swarmlb_ingress_unpublish() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --to --gwbridge)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--to')
        return
        ;;
    '--gwbridge')
        return
        ;;
    esac
}

_swarmlb_ingress_balance() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns --real)
    non_repeating_options=(--backend --wait --fwm --vip --dev --snat --to-source)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--fwm')
        return
        ;;
    '--vip')
        return
        ;;
    '--dev')
        return
        ;;
    '--snat')
        return
        ;;
    '--to-source')
        return
        ;;
    '--real')
        return
        ;;
    esac
}

_swarmlb_ingress_unbalance() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --fwm --vip --dev --snat --to-source)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--fwm')
        return
        ;;
    '--vip')
        return
        ;;
    '--dev')
        return
        ;;
    '--snat')
        return
        ;;
    '--to-source')
        return
        ;;
    esac
}

_swarmlb_ingress_redirect() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --ip)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--ip')
        return
        ;;
    esac
}

_swarmlb_ingress_unredirect() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --ip)
    __swarmlb_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--ip')
        return
        ;;
    esac
}

_swarmlb_overlay() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|attach|peer)
        # Offer subcommand argument completions
        "_swarmlb_overlay_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create attach peer' -- "${cur}"))
        ;;
    esac
}

_swarmlb_overlay_create() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --vni --subnet --gateway --mtu --port --local --underlay)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--vni')
        return
        ;;
    '--subnet')
        return
        ;;
    '--gateway')
        return
        ;;
    '--mtu')
        return
        ;;
    '--port')
        return
        ;;
    '--local')
        return
        ;;
    '--underlay')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    esac
}

_swarmlb_overlay_attach() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --container --ip --mac --name --veth --mtu --bridge)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--container')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--ip')
        return
        ;;
    '--mac')
        return
        ;;
    '--name')
        return
        ;;
    '--veth')
        return
        ;;
    '--mtu')
        return
        ;;
    '--bridge')
        return
        ;;
    esac
}

_swarmlb_overlay_peer() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|del)
        # Offer subcommand argument completions
        "_swarmlb_overlay_peer_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add del' -- "${cur}"))
        ;;
    esac
}

_swarmlb_overlay_peer_add() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --dev)
    __swarmlb_offer_flags_options 3

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--dev')
        return
        ;;
    esac
}

_swarmlb_overlay_peer_del() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --if-exists --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --dev)
    __swarmlb_offer_flags_options 3

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--dev')
        return
        ;;
    esac
}

_swarmlb_apply() {
    repeating_flags=()
    non_repeating_flags=(--json --dry-run --prune --check --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --config --dev --chain --to-source --overlay --node)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--config')
        __swarmlb_add_completions -f
        return
        ;;
    '--dev')
        return
        ;;
    '--chain')
        return
        ;;
    '--to-source')
        return
        ;;
    '--overlay')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--node')
        return
        ;;
    esac
}

_swarmlb_inspect() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    services|ipvs|iptables|addr|link|route|neigh|fdb)
        # Offer subcommand argument completions
        "_swarmlb_inspect_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'services ipvs iptables addr link route neigh fdb' -- "${cur}"))
        ;;
    esac
}

_swarmlb_inspect_services() {
    repeating_flags=()
    non_repeating_flags=(--json --all --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --expect)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--expect')
        __swarmlb_add_completions -f
        return
        ;;
    esac
}

_swarmlb_inspect_ipvs() {
    repeating_flags=()
    non_repeating_flags=(--json --stats --rate --exact -c --connections --timeout --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_inspect_iptables() {
    repeating_flags=()
    non_repeating_flags=(--json --save --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait -t --table)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '-t'|'--table')
        __swarmlb_add_completions -W 'filter'$'\n''nat'$'\n''mangle'$'\n''raw'
        return
        ;;
    esac
}

_swarmlb_inspect_addr() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_inspect_link() {
    repeating_flags=()
    non_repeating_flags=(--json -d --details --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_inspect_route() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait --table)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--table')
        return
        ;;
    esac
}

_swarmlb_inspect_neigh() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_inspect_fdb() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(-n --netns)
    non_repeating_options=(--backend --wait)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_swarmlb_dns() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    serve)
        # Offer subcommand argument completions
        "_swarmlb_dns_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'serve' -- "${cur}"))
        ;;
    esac
}

_swarmlb_dns_serve() {
    repeating_flags=()
    non_repeating_flags=(--json --watch --verbose --version -h --help)
    repeating_options=(-n --netns --upstream)
    non_repeating_options=(--backend --wait --config --listen --port --ttl --max-inflight --max-tcp --tcp-idle)
    __swarmlb_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-n'|'--netns')
        __swarmlb_add_completions -W "$(eval 'ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e '\'':$'\'' -e '\''^$'\''')"
        return
        ;;
    '--backend')
        __swarmlb_add_completions -W 'auto'$'\n''legacy'$'\n''nft'
        return
        ;;
    '--wait')
        return
        ;;
    '--config')
        __swarmlb_add_completions -f
        return
        ;;
    '--listen')
        return
        ;;
    '--port')
        return
        ;;
    '--upstream')
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-inflight')
        return
        ;;
    '--max-tcp')
        return
        ;;
    '--tcp-idle')
        return
        ;;
    esac
}

_swarmlb_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __swarmlb_offer_flags_options -1
}

complete -o filenames -F _swarmlb swarmlb
