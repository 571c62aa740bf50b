/** The analytics page (being built). */
export function analyticsView(main) {
  const section = document.createElement('section');
  section.className = 'analytics';
  section.innerHTML = '<div class="heading"><h2>Analytics</h2></div>';
  main.append(section);
  return () => section.remove();
}
