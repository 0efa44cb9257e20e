@echo off
rem Launcher for `sealpost native-host`, named by the native-messaging host
rem manifests (browsers cannot add a subcommand). sealpost.exe is next to it.
"%~dp0sealpost.exe" native-host %*
