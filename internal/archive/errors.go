package archive

import "errors"

// ErrUnsafePath is wrapped by the error Extract returns for an entry whose
// name or link target would reach outside the destination, or whose parent
// directory is a symbolic link.
var ErrUnsafePath = errors.New("archive: unsafe path")

// ErrUnsupported is wrapped by the error for an entry of a kind that is not
// a regular file, directory or symbolic link: a hard link, device, named
// pipe, socket or sparse file.
var ErrUnsupported = errors.New("archive: unsupported entry type")

// ErrNotDir is wrapped by the error Write returns when src is not a
// directory, and Extract returns when a directory is needed where something
// else already is.
var ErrNotDir = errors.New("archive: not a directory")
