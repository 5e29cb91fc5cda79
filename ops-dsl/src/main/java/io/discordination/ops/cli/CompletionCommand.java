package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.text.ShellWords;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/**
 * {@code ops completion bash|zsh}: the shell completion script. picocli's {@link AutoComplete}
 * completes subcommands and options; a small wrapper in front of it completes what picocli
 * cannot know when the script is generated: runbook names (the files in the runbooks folder,
 * listed by the shell itself, so no JVM starts) and, after {@code --param}, the parameter names
 * of the runbook already on the line ({@code ops __complete params NAME}).
 *
 * <pre>{@code source <(ops completion bash)}</pre>
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print the shell completion script for bash or zsh: subcommands, options, runbook names, and the "
                + "parameter names of the runbook on the line after --param.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  source <(ops completion bash)                       this shell",
                "  ops completion bash > ~/.local/share/bash-completion/completions/ops",
                "  source <(ops completion zsh)              in ~/.zshrc (through bashcompinit)"})
final class CompletionCommand extends OpsSubcommand {
    enum Shell { BASH, ZSH }

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    protected ExitCode execute() {
        PrintWriter out = out();
        // picocli's script already switches zsh to bash-style completion (bashcompinit) when sourced there
        out.print(AutoComplete.bash("ops", spec.root().commandLine()));
        out.print(dynamicPart());
        out.flush();
        return ExitCode.OK;
    }

    /** The wrapper that completes runbook and parameter names, then registers itself in place of picocli's function. */
    private static String dynamicPart() {
        // one single-quoted word whatever the path holds (a quote in it is written '\'')
        String runbooks = ShellWords.singleQuoted(OpsPaths.runbooks().toAbsolutePath().normalize().toString());
        return """

                # Runbook names and --param names, which picocli cannot know when this script is generated.
                _ops_runbooks_dir=%s

                function _ops_complete() {
                  # zsh (bashcompinit): arrays from 0 and no error for a glob without matches, as in bash
                  [[ -n ${ZSH_VERSION:-} ]] && setopt localoptions ksharrays nullglob
                  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
                  local i w sub="" runbook=""
                  for (( i=1; i<COMP_CWORD; i++ )); do
                    w=${COMP_WORDS[i]}
                    case $w in
                      -e|--env|-p|--param|-o|--output|--confirm-env|--resume|--since|--run|--file) (( i++ )); continue ;;
                      -*) continue ;;
                    esac
                    if [[ -z $sub ]]; then sub=$w; elif [[ -z $runbook ]]; then runbook=$w; fi
                  done
                  case $sub in
                    plan|run|describe) ;;
                    *) _complete_ops; return $? ;;
                  esac
                  if [[ $prev == -p || $prev == --param ]]; then
                    [[ -z $runbook ]] && return 0
                    # one JVM start per runbook and shell: the names are kept for the next tab
                    local key=${runbook//[^A-Za-z0-9]/_} names
                    eval "names=\\${_ops_params_$key-}"
                    if [[ -z $names ]]; then
                      names=$("${COMP_WORDS[0]}" __complete params "$runbook" 2>/dev/null | tr '\\n' ' ')
                      [[ -n $names ]] && eval "_ops_params_$key=\\$names"
                    fi
                    COMPREPLY=( $(compgen -S '=' -W "$names" -- "$cur") )
                    [[ -n ${BASH_VERSION:-} ]] && compopt -o nospace
                    return 0
                  fi
                  if [[ $cur != -* && -z $runbook && $prev != -* ]]; then
                    local dir=${OPS_RUNBOOKS:-$_ops_runbooks_dir} f names=""
                    for f in "$dir"/*.jsh "$dir"/*.groovy; do
                      [[ -f $f ]] || continue
                      f=${f##*/}
                      names+="${f%%.*} "
                    done
                    COMPREPLY=( $(compgen -W "$names" -- "$cur") )
                    return 0
                  fi
                  _complete_ops
                }

                complete -F _ops_complete -o default ops ./ops bin/ops
                """.formatted(runbooks);
    }
}
