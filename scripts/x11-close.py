#!/usr/bin/env python3
"""Asks the X window titled TITLE to close, as a window manager does when the user clicks its × (a WM_DELETE_WINDOW
message): the end-to-end tests use it to close the app as a person would, under Xvfb where no window manager runs.

Usage: x11-close.py TITLE            (exits 1 when no window of that title is on $DISPLAY)
       x11-close.py --exists TITLE   (only says, by its exit status, whether such a window is there)

Only ctypes and the X library the web view already needs: no package to install.
"""
import ctypes
import ctypes.util
import sys

x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
Window = ctypes.c_ulong
Atom = ctypes.c_ulong


class ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", Window),
        ("message_type", Atom),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class Event(ctypes.Union):
    # XEvent is a union padded to 24 longs.
    _fields_ = [("client", ClientMessage), ("pad", ctypes.c_long * 24)]


x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XDefaultRootWindow.restype = Window
x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
x.XInternAtom.restype = Atom
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XQueryTree.argtypes = [ctypes.c_void_p, Window, ctypes.POINTER(Window), ctypes.POINTER(Window),
                         ctypes.POINTER(ctypes.POINTER(Window)), ctypes.POINTER(ctypes.c_uint)]
x.XGetWindowProperty.argtypes = [ctypes.c_void_p, Window, Atom, ctypes.c_long, ctypes.c_long, ctypes.c_int, Atom,
                                 ctypes.POINTER(Atom), ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
                                 ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
x.XSendEvent.argtypes = [ctypes.c_void_p, Window, ctypes.c_int, ctypes.c_long, ctypes.POINTER(Event)]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XFree.argtypes = [ctypes.c_void_p]


def title_of(display, window, net_wm_name, utf8):
    kind, fmt, count, after, data = Atom(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
    x.XGetWindowProperty(display, window, net_wm_name, 0, 1024, 0, utf8, ctypes.byref(kind), ctypes.byref(fmt),
                         ctypes.byref(count), ctypes.byref(after), ctypes.byref(data))
    if not data.value:
        return None
    text = ctypes.string_at(data.value, count.value).decode("utf-8", "replace")
    x.XFree(data)
    return text


def windows(display, parent):
    root, up, children, n = Window(), Window(), ctypes.POINTER(Window)(), ctypes.c_uint()
    if not x.XQueryTree(display, parent, ctypes.byref(root), ctypes.byref(up), ctypes.byref(children), ctypes.byref(n)):
        return []
    found = [children[i] for i in range(n.value)]
    if children:
        x.XFree(children)
    return found + [w for c in found for w in windows(display, c)]


def main():
    only_look = sys.argv[1] == "--exists"
    title = sys.argv[-1]
    display = x.XOpenDisplay(None)
    if not display:
        sys.exit("no X display ($DISPLAY)")
    net_wm_name = x.XInternAtom(display, b"_NET_WM_NAME", 0)
    utf8 = x.XInternAtom(display, b"UTF8_STRING", 0)
    protocols = x.XInternAtom(display, b"WM_PROTOCOLS", 0)
    delete = x.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    targets = [w for w in windows(display, x.XDefaultRootWindow(display)) if title_of(display, w, net_wm_name, utf8) == title]
    if not targets:
        print(f"no window titled {title!r}", file=sys.stderr)
        sys.exit(1)
    if only_look:
        return
    for w in targets:
        event = Event()
        event.client.type = 33  # ClientMessage
        event.client.window = w
        event.client.message_type = protocols
        event.client.format = 32
        event.client.data[0] = delete
        event.client.data[1] = 0  # CurrentTime
        x.XSendEvent(display, w, 0, 0, ctypes.byref(event))
    x.XFlush(display)


main()
