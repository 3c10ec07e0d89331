import { render } from 'preact';
import '../../components/theme.css';
import { ReaderApp } from '../../lib/pdf/reader/ReaderApp';
import '../../lib/pdf/reader/reader.css';
import { followStoredTheme } from '../../lib/theme';

followStoredTheme();

render(<ReaderApp />, document.getElementById('app')!);
