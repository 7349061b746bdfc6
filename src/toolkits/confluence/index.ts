import { defineToolkit } from '../define.ts';
import { confluenceErrorMessage } from './common.ts';
import { tools as contentTools } from './tools/content.ts';
import { tools as labelsMiscTools } from './tools/labels-misc.ts';
import { createPage, deletePage, getPage, getPages, updatePage } from './tools/pages.ts';
import { cqlSearch } from './tools/search.ts';
import { getSpaces } from './tools/spaces.ts';
import { tools as spacesPropertiesTools } from './tools/spaces-properties.ts';

export const confluence = defineToolkit({
  id: 'confluence',
  name: 'Confluence',
  description: 'Atlassian Confluence Cloud: spaces, pages, blog posts, comments, labels, search.',
  service: 'Confluence',
  errorMessage: confluenceErrorMessage,
  tools: [
    createPage,
    getPage,
    updatePage,
    deletePage,
    getPages,
    getSpaces,
    cqlSearch,
    ...contentTools,
    ...spacesPropertiesTools,
    ...labelsMiscTools,
  ],
});
