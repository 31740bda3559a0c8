# Script mode (cmake -P): the man page and the bash completion of `lockstep`, both from the built
# binary's own help, so neither can drift from the CLI. Inputs: LOCKSTEP (the binary), HELP2MAN
# (empty: no man page), OUT_DIR.
cmake_minimum_required(VERSION 3.25)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1) # help and version need no ranks, but MPI starts
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
set(ENV{OMPI_MCA_plm} isolated) # no launcher daemons on a build host

function(help_of out)
  execute_process(COMMAND ${LOCKSTEP} ${ARGN} --help OUTPUT_VARIABLE text RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "'lockstep ${ARGN} --help' failed (${status})")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The options a help text names (--name), sorted and once each.
function(options_of out text)
  string(REGEX MATCHALL "--[a-z][a-z0-9-]*" found "${text}")
  list(REMOVE_DUPLICATES found)
  list(SORT found)
  list(JOIN found " " joined)
  set(${out} "${joined}" PARENT_SCOPE)
endfunction()

help_of(top)
string(REGEX REPLACE ".*\nSubcommands:\n" "" listing "${top}")
string(REGEX MATCHALL "(^|\n)  [a-z][a-z-]*" subcommands "${listing}")
list(TRANSFORM subcommands REPLACE "^\n?  " "")
options_of(global_options "${top}")

set(cases "")
set(include "[SUBCOMMANDS]\n")
foreach(sub IN LISTS subcommands)
  help_of(help ${sub})
  options_of(options "${help}")
  string(APPEND cases "    ${sub}) options=\"${options} \$options\" ;;\n")
  string(REPLACE "\\" "\\\\" help "${help}")
  string(REGEX REPLACE "\n-" "\n\\\\-" help "${help}")
  string(APPEND include ".SS ${sub}\n.nf\n${help}.fi\n")
endforeach()
list(JOIN subcommands " " subcommand_words)

file(MAKE_DIRECTORY ${OUT_DIR})
file(WRITE ${OUT_DIR}/lockstep.bash "# bash completion for lockstep: subcommands, their options, and
# named jobs after --job (generated from lockstep's own --help when it was built)
_lockstep() {
  local cur=\${COMP_WORDS[COMP_CWORD]} previous=\${COMP_WORDS[COMP_CWORD - 1]} sub='' word
  for word in \"\${COMP_WORDS[@]:1:COMP_CWORD - 1}\"; do
    case \" ${subcommand_words} \" in *\" \$word \"*) sub=\$word; break ;; esac
  done
  if [[ \$previous == --job ]]; then
    local jobs=\${LOCKSTEP_HOME:+\$LOCKSTEP_HOME/share/lockstep/jobs}
    jobs=\$(ls \"\${jobs:-/nonexistent}\" 2>/dev/null | sed -n 's/\\.toml\$//p')
    COMPREPLY=(\$(compgen -W \"\$jobs\" -- \"\$cur\") \$(compgen -f -- \"\$cur\"))
    return
  fi
  local options=\"${global_options}\"
  case \$sub in
${cases}    '') COMPREPLY=(\$(compgen -W \"${subcommand_words} \$options\" -- \"\$cur\")); return ;;
  esac
  if [[ \$cur == -* ]]; then
    COMPREPLY=(\$(compgen -W \"\$options\" -- \"\$cur\"))
  else
    COMPREPLY=(\$(compgen -f -- \"\$cur\"))
  fi
}
complete -o filenames -F _lockstep lockstep
")

if(HELP2MAN)
  file(WRITE ${OUT_DIR}/lockstep.h2m "${include}")
  execute_process(
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1
            "--name=find the accounts that act in lockstep in platform takedown datasets"
            --include=${OUT_DIR}/lockstep.h2m --output=${OUT_DIR}/lockstep.1 ${LOCKSTEP}
    RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "help2man failed (${status})")
  endif()
endif()
