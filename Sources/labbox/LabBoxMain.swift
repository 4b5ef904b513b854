// The executable is this declaration; the server and CLI are the Appliance library, which
// Benchmarks/ links too.
import Appliance
import ArgumentParser

@main extension LabBox {}
