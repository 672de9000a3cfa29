// Text onto the system clipboard, from the user's key press or click.

/** Puts the text on the clipboard as plain text; false when the web view refused both ways. First through the
 * `copy` event that `execCommand("copy")` raises inside the user's key press or click: it needs no permission and no
 * selection on the page, and writes the text exactly (WebKitGTK under the end-to-end test puts the CRLF line ends
 * on the X clipboard as given). Then through the asynchronous clipboard API, which a web view may refuse without a
 * user gesture or a secure context. */
export async function copyText(text: string): Promise<boolean> {
  let written = false;
  const put = (e: ClipboardEvent) => {
    if (!e.clipboardData) return;
    e.clipboardData.setData("text/plain", text);
    e.preventDefault();
    written = true;
  };
  document.addEventListener("copy", put, true);
  try {
    // Deprecated in the standard, and still the one way every web view we run in writes the clipboard synchronously.
    document.execCommand("copy");
  } catch {
    written = false;
  } finally {
    document.removeEventListener("copy", put, true);
  }
  if (written) return true;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
