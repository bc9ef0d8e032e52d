#!/bin/sh
# The command push provider for tests: keeps the challenge it got on stdin
# next to the mode file, and answers as that file says.
dir=$1
echo $$ > "$dir/push.pid"
cat > "$dir/push.challenge"
number=$(sed -n 's/.*"number":\([0-9]*\).*/\1/p' "$dir/push.challenge")
case $(cat "$dir/push.mode") in
    approve) echo "approved $number" ;;
    silent) echo "approved" ;;
    wrong) if [ "$number" = 10 ]; then echo "approved 11"; else echo "approved 10"; fi ;;
    deny) echo "denied" ;;
    notme) echo "denied not-me" ;;
    expire) echo "expired" ;;
    babble) echo "approved, sure" ;;
    fail) exit 3 ;;
    wait) exec sleep 60 ;;
esac
