// timeline webview entry (being written)
