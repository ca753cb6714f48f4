// Package wire holds the argument and reply types of the plugin package's
// control service ("Control", on the plugin's main object next to its
// component), out of the plugin package's API.
package wire
