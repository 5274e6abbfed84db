#!/usr/bin/env bash
# classroom.sh - `make classroom [LAB=ID...]`: DIST/classroom/, the template
# repository of a GitHub Classroom assignment: the handout's tree plus
# .github/workflows/classroom.yml, which grades the labs named (every lab
# when none) with `build/racelab check LAB`, one autograding step per lab
# worth the lab's points. Push the folder as a template repository.
source "$(dirname "$0")/lib.sh"

ids=$(select_labs "$@")
out=$DIST/classroom
rm -rf "$out"
stage_handout "$out"
check_student_tree "$out"

steps=$(mktemp)
envs=$(mktemp)
trap 'rm -f "$steps" "$envs"' EXIT
runners=
for id in $ids; do
    cat >>"$steps" <<STEP
      - name: $id
        id: lab-$id
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: $id
          setup-command: harness/install-deps.sh && make -s build/racelab
          command: build/racelab check $id
          timeout: 10
          max-score: $(lab_points "$id")
STEP
    echo "          LAB-${id^^}_RESULTS: \"\${{ steps.lab-$id.outputs.result }}\"" >>"$envs"
    runners=${runners:+$runners,}lab-$id
done

mkdir -p "$out/.github/workflows"
awk -v steps="$steps" -v envs="$envs" -v runners="$runners" '
    /^@STEPS@$/ { while ((getline l < steps) > 0) print l; next }
    /^@ENV@$/ { while ((getline l < envs) > 0) print l; next }
    { gsub(/@RUNNERS@/, runners); print }' \
    harness/package/classroom/classroom.yml >"$out/.github/workflows/classroom.yml"
echo "racelab: $out/ (template repository; .github/workflows/classroom.yml grades $(echo $ids | wc -w) labs)"
