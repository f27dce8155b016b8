function __swarmlb_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __swarmlb_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __swarmlb_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __swarmlb_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __swarmlb_parse_tokens -S
    set -l unparsed_tokens (__swarmlb_tokens -pc)
    switch $unparsed_tokens[1]
    case 'swarmlb'
        __swarmlb_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'vip'
            __swarmlb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'dev=' 'fwm=' 'chain=' 'version' 'h/help'
            case 'del'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'if-exists' 'dev=' 'fwm=' 'chain=' 'version' 'h/help'
            case 'list'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'version' 'h/help'
            end
        case 'mark'
            __swarmlb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'port=' 'chain=' 'version' 'h/help'
            case 'del'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'if-exists' 'port=' 'chain=' 'version' 'h/help'
            case 'list'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'version' 'h/help'
            end
        case 'fwm'
            __swarmlb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 's/scheduler=' 'p/persistent=' 'version' 'h/help'
            case 'del'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'if-exists' 'version' 'h/help'
            case 'list'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'all' 'version' 'h/help'
            end
        case 'real'
            __swarmlb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __swarmlb_parse_subcommand -r 2 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'w/weight=' 'forward=' 'x/upper-threshold=' 'y/lower-threshold=' 'version' 'h/help'
            case 'set'
                __swarmlb_parse_subcommand -r 2 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'w/weight=' 'forward=' 'x/upper-threshold=' 'y/lower-threshold=' 'version' 'h/help'
            case 'del'
                __swarmlb_parse_subcommand -r 2 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'if-exists' 'version' 'h/help'
            case 'list'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'version' 'h/help'
            end
        case 'snat'
            __swarmlb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'to-source=' 'version' 'h/help'
            case 'del'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'if-exists' 'to-source=' 'version' 'h/help'
            case 'list'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'version' 'h/help'
            end
        case 'service'
            __swarmlb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'vip=' 'fwm=' 'dev=' 'chain=' 'real=+' 's/scheduler=' 'snat=' 'to-source=' 'lb-sysctls' 'version' 'h/help'
            case 'del'
                __swarmlb_parse_subcommand 1 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'if-exists' 'vip=' 'fwm=' 'dev=' 'chain=' 'version' 'h/help'
            end
        case 'apply'
            __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'dry-run' 'config=' 'dev=' 'chain=' 'to-source=' 'prune' 'check' 'version' 'h/help'
        case 'inspect'
            __swarmlb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'services'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'all' 'version' 'h/help'
            case 'ipvs'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'stats' 'rate' 'exact' 'c/connections' 'version' 'h/help'
            case 'iptables'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 't/table=' 'save' 'version' 'h/help'
            case 'addr'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'version' 'h/help'
            end
        case 'dns'
            __swarmlb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'serve'
                __swarmlb_parse_subcommand 0 'n/netns=+' 'json' 'backend=' 'wait=' 'config=' 'listen=' 'port=' 'upstream=+' 'ttl=' 'max-inflight=' 'tcp-idle=' 'watch' 'verbose' 'version' 'h/help'
            end
        case 'help'
            __swarmlb_parse_subcommand -r 1 'version'
        end
    end
end

function __swarmlb_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __swarmlb_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __swarmlb_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __swarmlb_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__swarmlb_tokens -p)
    if test -z "$(__swarmlb_tokens -t)"
        set -l index (count (__swarmlb_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'swarmlb' -f
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'vip' -d 'Service VIPs: the /32 address and the mangle mark rule.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'mark' -d 'Published-port marks in the mangle table (the ingress routing mesh).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'fwm' -d 'IPVS firewall-mark virtual services.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'real' -d 'Real servers (tasks) behind an IPVS fwmark service.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'snat' -d 'Source NAT of IPVS-balanced packets to the container\'s own address.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'service' -d 'A whole Swarm service: VIP, mark, IPVS service, real servers, SNAT.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'apply' -d 'Make the namespace\'s load balancing what a services file says, in one batch.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'inspect' -d 'Show a namespace\'s load balancing; never changes anything.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'dns' -d 'The embedded DNS resolver of a namespace.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb vip" -eq 1' -fa 'add' -d 'Assign VIP/32 to a device and mark packets to it.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb vip" -eq 1' -fa 'del' -d 'Remove a VIP\'s /32 address and mark rule.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb vip" -eq 1' -fa 'list' -d 'List VIP mark rules and where each VIP is assigned.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" dev' -l 'dev' -d 'Device that gets VIP/32 (the overlay interface).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" fwm' -l 'fwm' -d 'Firewall mark, decimal or 0x hex.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" chain' -l 'chain' -d 'mangle chain of the mark rule: OUTPUT (per container) or INPUT (load-balancer namespace).' -rfka 'PREROUTING INPUT FORWARD OUTPUT POSTROUTING'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" if-exists' -l 'if-exists' -d 'Succeed when what is to be deleted is not there.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" dev' -l 'dev' -d 'Device holding VIP/32.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" fwm' -l 'fwm' -d 'Firewall mark of the rule.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" chain' -l 'chain' -d 'mangle chain of the mark rule.' -rfka 'PREROUTING INPUT FORWARD OUTPUT POSTROUTING'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip del" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip list"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip list" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip list" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip list" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip list" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb vip list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb mark" -eq 1' -fa 'add' -d 'Mark packets to a published port.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb mark" -eq 1' -fa 'del' -d 'Remove a port mark rule.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb mark" -eq 1' -fa 'list' -d 'List port mark rules.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add" port' -l 'port' -d 'Published port, e.g. tcp/8080 or udp/53.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add" chain' -l 'chain' -d 'mangle chain of the rule.' -rfka 'PREROUTING INPUT FORWARD OUTPUT POSTROUTING'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" if-exists' -l 'if-exists' -d 'Succeed when what is to be deleted is not there.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" port' -l 'port' -d 'Published port, e.g. tcp/8080 or udp/53.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" chain' -l 'chain' -d 'mangle chain of the rule.' -rfka 'PREROUTING INPUT FORWARD OUTPUT POSTROUTING'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark del" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark list"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark list" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark list" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark list" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark list" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb mark list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb fwm" -eq 1' -fa 'add' -d 'Create an IPVS fwmark service (ipvsadm -A -f MARK -s SCHED).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb fwm" -eq 1' -fa 'del' -d 'Delete an IPVS fwmark service and its real servers (ipvsadm -D -f MARK).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb fwm" -eq 1' -fa 'list' -d 'List fwmark services and their real servers as ipvsadm -Ln prints them.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add" s scheduler' -s 's' -l 'scheduler' -d 'Scheduler: rr, wrr, lc, wlc, sh, ...' -rfka 'rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add" p persistent' -s 'p' -l 'persistent' -d 'Make the service persistent for this many seconds.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm del"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm del" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm del" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm del" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm del" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm del" if-exists' -l 'if-exists' -d 'Succeed when what is to be deleted is not there.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm del" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm del" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm list"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm list" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm list" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm list" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm list" all' -l 'all' -d 'Include TCP, UDP and SCTP address services too (all of ipvsadm -Ln).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm list" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb fwm list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb real" -eq 1' -fa 'add' -d 'Add real servers to a service (ipvsadm -a -f MARK -r ADDR:PORT -m -w 1).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb real" -eq 1' -fa 'set' -d 'Change real servers\' weight or forwarding (ipvsadm -e); --weight 0 drains.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb real" -eq 1' -fa 'del' -d 'Remove real servers (ipvsadm -d -f MARK -r ADDR:PORT).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb real" -eq 1' -fa 'list' -d 'List one service\'s real servers as ipvsadm -Ln -f MARK does.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" w weight' -s 'w' -l 'weight' -d 'Weight, 0-65535 (0 drains: no new connections).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" forward' -l 'forward' -d 'Forwarding method: masq (NAT, as Swarm), route (direct routing) or tunnel (IPIP). Default: masq, or as the real server is.' -rfka 'masq route tunnel'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" upper-threshold x' -s 'x' -l 'upper-threshold' -d 'Upper connection threshold (0 = none).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" lower-threshold y' -s 'y' -l 'lower-threshold' -d 'Lower connection threshold (0 = none).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" w weight' -s 'w' -l 'weight' -d 'Weight, 0-65535 (0 drains: no new connections).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" forward' -l 'forward' -d 'Forwarding method: masq (NAT, as Swarm), route (direct routing) or tunnel (IPIP). Default: masq, or as the real server is.' -rfka 'masq route tunnel'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" upper-threshold x' -s 'x' -l 'upper-threshold' -d 'Upper connection threshold (0 = none).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" lower-threshold y' -s 'y' -l 'lower-threshold' -d 'Lower connection threshold (0 = none).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real del"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real del" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real del" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real del" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real del" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real del" if-exists' -l 'if-exists' -d 'Succeed when what is to be deleted is not there.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real del" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real del" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real list"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real list" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real list" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real list" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real list" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb real list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb snat" -eq 1' -fa 'add' -d 'Add the ipvs SNAT rule and enable net.ipv4.vs.conntrack.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb snat" -eq 1' -fa 'del' -d 'Remove an ipvs SNAT rule (net.ipv4.vs.conntrack is left as it is).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb snat" -eq 1' -fa 'list' -d 'List ipvs SNAT rules as iptables -S prints them.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat add"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat add" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat add" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat add" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat add" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat add" to-source' -l 'to-source' -d 'The container\'s own address on that subnet.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat add" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del" if-exists' -l 'if-exists' -d 'Succeed when what is to be deleted is not there.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del" to-source' -l 'to-source' -d 'The container\'s own address on that subnet.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat del" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat list"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat list" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat list" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat list" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat list" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb snat list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb service" -eq 1' -fa 'add' -d 'Program a service; any failure rolls back every step already done.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb service" -eq 1' -fa 'del' -d 'Remove a service\'s mark rule, IPVS service (with its real servers) and VIP address.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" vip' -l 'vip' -d 'The service\'s virtual IP.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" fwm' -l 'fwm' -d 'Firewall mark, decimal or 0x hex.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" dev' -l 'dev' -d 'Device that carries VIP/32.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" chain' -l 'chain' -d 'mangle chain of the mark rule: OUTPUT or INPUT.' -rfka 'PREROUTING INPUT FORWARD OUTPUT POSTROUTING'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add"' -l 'real' -d 'Task addresses (real servers, Masq, weight 1).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" s scheduler' -s 's' -l 'scheduler' -d 'IPVS scheduler.' -rfka 'rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" snat' -l 'snat' -d 'Overlay subnet for the ipvs SNAT rule (needs --to-source).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" to-source' -l 'to-source' -d 'This container\'s own address, the SNAT source.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" lb-sysctls' -l 'lb-sysctls' -d 'Also set the IPVS sysctls of Docker\'s load-balancer namespace (net.ipv4.vs.conn_reuse_mode=0, expire_nodest_conn=1, expire_quiescent_template=1).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" if-exists' -l 'if-exists' -d 'Succeed when what is to be deleted is not there.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" vip' -l 'vip' -d 'The service\'s virtual IP.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" fwm' -l 'fwm' -d 'Firewall mark, decimal or 0x hex.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" dev' -l 'dev' -d 'Device that carries VIP/32.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" chain' -l 'chain' -d 'mangle chain of the mark rule: OUTPUT or INPUT.' -rfka 'PREROUTING INPUT FORWARD OUTPUT POSTROUTING'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb service del" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" dry-run' -l 'dry-run' -d 'Print the kernel changes that would be made, as classic commands, and change nothing.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" config' -l 'config' -d 'The services file (YAML or JSON), as dns serve reads it, or the output of docker network inspect -v NET (one network).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" dev' -l 'dev' -d 'Device that gets the VIPs and whose address is the SNAT source (the overlay interface).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" chain' -l 'chain' -d 'mangle chain of the mark rules: INPUT (Docker\'s load-balancer namespace, with its IPVS sysctls) or OUTPUT (per container, Docker 1.12-17.x).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" to-source' -l 'to-source' -d 'Source of the ipvs SNAT rule. Default: the namespace\'s address on --dev within the subnet.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" prune' -l 'prune' -d 'Also remove the load-balancing objects the file does not name (see the README for exactly which).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" check' -l 'check' -d 'Change nothing: exit 0 when the namespace matches the file, 3 with the differences (as commands) when not.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb apply" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb inspect" -eq 1' -fa 'services' -d 'One row per firewall mark: mark rules, VIPs, IPVS service, real servers, SNAT; then problems.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb inspect" -eq 1' -fa 'ipvs' -d 'IPVS services and real servers, as ipvsadm -Ln [--stats|--rate] [--exact] or -Lnc.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb inspect" -eq 1' -fa 'iptables' -d 'iptables rules of the namespace\'s backend, as iptables-nft|iptables-legacy -S [-t TABLE] or -save.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb inspect" -eq 1' -fa 'addr' -d 'Addresses, as ip -o addr show.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect services"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect services" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect services" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect services" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect services" all' -l 'all' -d 'Inspect every namespace under /run/docker/netns and /run/netns.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect services" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect services" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" stats' -l 'stats' -d 'Traffic counters (ipvsadm -Ln --stats).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" rate' -l 'rate' -d 'Traffic rates (ipvsadm -Ln --rate).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" exact' -l 'exact' -d 'Exact numbers, not scaled to K/M/G (ipvsadm --exact).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" c connections' -s 'c' -l 'connections' -d 'The connection table (ipvsadm -Lnc).'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect ipvs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect iptables"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect iptables" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect iptables" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect iptables" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect iptables" t table' -s 't' -l 'table' -d 'Table: filter, nat, mangle or raw (default filter; with --save, every table in use).' -rfka 'filter nat mangle raw'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect iptables" save' -l 'save' -d 'Print the iptables-save format.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect iptables" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect iptables" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect addr"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect addr" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect addr" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect addr" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect addr" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb inspect addr" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_positional "swarmlb dns" -eq 1' -fa 'serve' -d 'Serve a services file\'s names on 127.0.0.11 until SIGTERM/SIGINT; SIGHUP reloads the file.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve"' -s 'n' -l 'netns' -d 'Network namespace to work in: a name under /run/docker/netns or /run/netns, a path, or pid:N. Default: the current one.' -rfka '(ls -1 /run/docker/netns /run/netns 2>/dev/null | grep -v -e \':$\' -e \'^$\')'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" json' -l 'json' -d 'Print JSON instead of text.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" backend' -l 'backend' -d 'iptables backend: auto (the one already holding rules in the namespace, else the host\'s iptables), legacy or nft. Default: $SWARMLB_BACKEND, else auto.' -rfka 'auto legacy nft'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" wait' -l 'wait' -d 'Seconds to wait for the xtables lock (legacy backend), as iptables -w. Default: as long as it takes.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" config' -l 'config' -d 'The services file (YAML or JSON), or the output of docker network inspect -v NET... (several networks served together).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" listen' -l 'listen' -d 'Address to listen on.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" port' -l 'port' -d 'Port to bind; 53 binds it directly and installs no nat rules. Default: two free ports + nat rules.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve"' -l 'upstream' -d 'Upstream server for other names: IP[:PORT], asked from the served namespace (Docker\'s --dns), or host:IP[:PORT], asked from the namespace swarmlb started in; repeatable, 3 at most (default: the host\'s /etc/resolv.conf, asked from the starting namespace).' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" ttl' -l 'ttl' -d 'TTL of the answers, in seconds.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" max-inflight' -l 'max-inflight' -d 'Most upstream queries in flight; beyond it clients get REFUSED.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" tcp-idle' -l 'tcp-idle' -d 'Seconds a TCP connection may stay idle before the server closes it.' -rfka ''
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" watch' -l 'watch' -d 'Reload when the services file changes.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" verbose' -l 'verbose' -d 'Log every query.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" version' -l 'version' -d 'Show the version.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb dns serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swarmlb' -n '__swarmlb_should_offer_completions_for_flags_or_options "swarmlb help" version' -l 'version' -d 'Show the version.'
