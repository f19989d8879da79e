"""A minimal interactive SSH client on paramiko, for the client-matrix tests: it asks for a PTY
the size of its own terminal and then pipes bytes both ways. It never sends window-change, so it
also stands for clients without window-change support.

usage: paramiko-shell.py PORT USER (--password PW | --key FILE)
"""
import os
import select
import sys
import termios
import tty

import paramiko


def main():
    port, user, how, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    auth = {'password': secret} if how == '--password' else {'key_filename': secret}
    client.connect('127.0.0.1', port=port, username=user, look_for_keys=False, allow_agent=False, timeout=20, **auth)
    cols, rows = os.get_terminal_size()
    channel = client.invoke_shell(term='xterm', width=cols, height=rows)
    saved = termios.tcgetattr(sys.stdin)
    tty.setraw(sys.stdin.fileno())
    try:
        while True:
            ready, _, _ = select.select([channel, sys.stdin], [], [])
            if channel in ready:
                data = channel.recv(4096)
                if not data:
                    break
                os.write(sys.stdout.fileno(), data)
            if sys.stdin in ready:
                channel.send(os.read(sys.stdin.fileno(), 1024))
    finally:
        termios.tcsetattr(sys.stdin, termios.TCSADRAIN, saved)
        client.close()


main()
